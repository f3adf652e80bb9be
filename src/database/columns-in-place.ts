import type { QueryRunner, TableColumn } from 'typeorm';

/** TypeORM's SQLite query runner builds a column's definition the way its own schema diff reads it back. */
interface SqliteColumnSql {
  buildCreateColumnSql(column: TableColumn, skipPrimary?: boolean): string;
}

const onPostgres = (queryRunner: QueryRunner) => queryRunner.connection.driver.options.type === 'postgres';

/**
 * Adds columns with ALTER TABLE on both databases. On SQLite TypeORM's `addColumns` makes the table
 * again (create a copy, DROP the original, rename), and dropping a table that others reference deletes
 * their rows through ON DELETE CASCADE: adding a column to `organizations` that way empties every
 * tenant's tickets. `ALTER TABLE … ADD COLUMN` changes the table where it is.
 */
export async function addColumnsInPlace(
  queryRunner: QueryRunner,
  table: string,
  columns: TableColumn[],
): Promise<void> {
  if (onPostgres(queryRunner)) return queryRunner.addColumns(table, columns);
  const sqlite = queryRunner as unknown as SqliteColumnSql;
  for (const column of columns) {
    await queryRunner.query(`ALTER TABLE "${table}" ADD COLUMN ${sqlite.buildCreateColumnSql(column)}`);
  }
}

/** Drops columns with ALTER TABLE on both databases, for the same reason (SQLite 3.35+ drops in place). */
export async function dropColumnsInPlace(queryRunner: QueryRunner, table: string, names: string[]): Promise<void> {
  for (const name of names) {
    if (onPostgres(queryRunner)) await queryRunner.dropColumn(table, name);
    else await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "${name}"`);
  }
}
