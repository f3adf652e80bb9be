import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { columnTypes } from '../column-types';
import { addColumnsInPlace, dropColumnsInPlace } from '../columns-in-place';

/**
 * Accounts (#22): a user's session version (bumped when the password changes, so older tokens stop
 * working) and the "must change the password" flag; single-use password tokens (reset links and
 * invitations), stored as hashes; organizations that can be disabled, with names unique regardless
 * of letter case; and a sync state that an organization's disabling suspends without forgetting
 * whether it was running.
 */
export class Accounts1764000014000 implements MigrationInterface {
  name = 'Accounts1764000014000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    // In place: on SQLite, making users or organizations again would cascade-delete what references them.
    await addColumnsInPlace(queryRunner, 'users', [
      new TableColumn({ name: 'session_version', type: t.integer, default: 0 }),
      new TableColumn({ name: 'must_change_password', type: t.boolean, default: t.false }),
    ]);
    await addColumnsInPlace(queryRunner, 'organizations', [
      new TableColumn({ name: 'disabled', type: t.boolean, default: t.false }),
    ]);
    await addColumnsInPlace(queryRunner, 'sync_states', [
      new TableColumn({ name: 'suspended', type: t.boolean, default: t.false }),
    ]);
    await this.renameDuplicateOrganizations(queryRunner);
    // lower() folds ASCII on SQLite and the whole alphabet on PostgreSQL; the service compares the same way.
    await queryRunner.query('CREATE UNIQUE INDEX "UQ_organizations_name_lower" ON "organizations" (lower("name"))');
    await queryRunner.createTable(
      new Table({
        name: 'password_tokens',
        columns: [
          { name: 'id', type: t.uuid, isPrimary: true },
          { name: 'user_id', type: t.uuid },
          { name: 'token_hash', type: t.varchar, length: '64' },
          { name: 'purpose', type: t.varchar, length: '20' },
          { name: 'expires_at', type: t.timestamp },
          { name: 'used_at', type: t.timestamp, isNullable: true },
          { name: 'created_at', type: t.timestamp, default: t.now },
        ],
        foreignKeys: [
          {
            name: 'FK_password_tokens_user',
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [
          new TableIndex({ name: 'UQ_password_tokens_hash', columnNames: ['token_hash'], isUnique: true }),
          new TableIndex({ name: 'IDX_password_tokens_user', columnNames: ['user_id'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('password_tokens');
    await queryRunner.query('DROP INDEX "UQ_organizations_name_lower"');
    await dropColumnsInPlace(queryRunner, 'sync_states', ['suspended']);
    await dropColumnsInPlace(queryRunner, 'organizations', ['disabled']);
    await dropColumnsInPlace(queryRunner, 'users', ['must_change_password', 'session_version']);
  }

  /** Names that differ only in letter case get " (2)", " (3)"… in creation order, so the index can be made. */
  private async renameDuplicateOrganizations(queryRunner: QueryRunner): Promise<void> {
    const rows = (await queryRunner.query('SELECT "id", "name" FROM "organizations" ORDER BY "created_at", "id"')) as {
      id: string;
      name: string;
    }[];
    const postgres = queryRunner.connection.driver.options.type === 'postgres';
    const taken = new Set(rows.map((row) => row.name.toLowerCase()));
    const seen = new Set<string>();
    for (const row of rows) {
      const key = row.name.toLowerCase();
      if (!seen.has(key)) {
        seen.add(key);
        continue;
      }
      let suffix = 2;
      while (taken.has(`${key} (${suffix})`)) suffix += 1;
      const name = `${row.name} (${suffix})`;
      taken.add(name.toLowerCase());
      seen.add(name.toLowerCase());
      const sql = postgres
        ? 'UPDATE "organizations" SET "name" = $1 WHERE "id" = $2'
        : 'UPDATE "organizations" SET "name" = ? WHERE "id" = ?';
      await queryRunner.query(sql, [name, row.id]);
    }
  }
}
