import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columnTypes } from '../column-types';

/**
 * Secret checks: per secret (ENCRYPTION_KEY, JWT_SECRET, MESSAGE_ID_SECRET) a key id and an HMAC of a
 * fixed text under it, never the secret. An instance whose secrets differ from the first instance's
 * (each generated its own into its own DATA_DIR) refuses to boot instead of failing every send later.
 */
export class SecretChecks1764000015000 implements MigrationInterface {
  name = 'SecretChecks1764000015000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'secret_checks',
        columns: [
          { name: 'name', type: t.varchar, length: '40', isPrimary: true },
          { name: 'key_id', type: t.varchar, length: '20' },
          { name: 'canary', type: t.varchar, length: '64' },
          { name: 'created_at', type: t.timestamp, default: t.now },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('secret_checks');
  }
}
