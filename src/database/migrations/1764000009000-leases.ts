import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columnTypes } from '../column-types';

/**
 * Leases: which instance may do a piece of per-organization work (a sync run; later the IMAP IDLE
 * watcher) right now, until when. A row replaces the session advisory lock, which pinned a pooled
 * connection for a whole run and cannot work behind a transaction-mode pooler. The expiry is epoch
 * milliseconds, compared the same way on both databases.
 */
export class Leases1764000009000 implements MigrationInterface {
  name = 'Leases1764000009000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'leases',
        columns: [
          { name: 'organization_id', type: t.uuid, isPrimary: true },
          { name: 'purpose', type: t.varchar, length: '40', isPrimary: true },
          { name: 'holder', type: t.varchar, length: '120' },
          { name: 'expires_at_ms', type: 'bigint' },
        ],
        foreignKeys: [
          {
            name: 'FK_leases_organization',
            columnNames: ['organization_id'],
            referencedTableName: 'organizations',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('leases');
  }
}
