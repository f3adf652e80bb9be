import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

/** Bound parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535. */
const PARAMETER_BUDGET = 30_000;

/**
 * Inserts rows with as few multi-row INSERT statements as the parameter limits allow, reading nothing
 * back. One statement for a whole batch instead of one per row keeps a database round trip off every
 * row (the cost that dominates PostgreSQL over loopback). The SQL is written here from the entity's
 * metadata, with each value converted as TypeORM converts it (column transformers, then the driver's
 * own conversion: dates, booleans, JSON): TypeORM's insert builder spent more time naming and escaping
 * hundreds of parameters than the database spent inserting them.
 *
 * With `returning`, answers that column's value for each row actually inserted (with `orIgnore`, the
 * ones not ignored), as the database returns it (RETURNING, on SQLite and PostgreSQL alike).
 */
export async function insertRows<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  rows: QueryDeepPartialEntity<T>[],
  options: { orIgnore?: boolean; returning?: keyof T & string } = {},
): Promise<unknown[]> {
  if (rows.length === 0) return [];
  const { driver } = manager.connection;
  const metadata = manager.connection.getMetadata(entity);
  const postgres = manager.connection.options.type === 'postgres';
  const now = new Date();
  const stamped = rows.map((row) => {
    const values: ObjectLiteral = { ...row };
    for (const column of [metadata.createDateColumn, metadata.updateDateColumn]) {
      if (column && values[column.propertyName] === undefined) values[column.propertyName] = now;
    }
    return values;
  });
  const columns = metadata.columns.filter(
    (column) => column.isInsert && stamped.some((row) => row[column.propertyName] !== undefined),
  );
  const head =
    `INSERT ${options.orIgnore && !postgres ? 'OR IGNORE ' : ''}INTO ${driver.escape(metadata.tableName)} ` +
    `(${columns.map((column) => driver.escape(column.databaseName)).join(', ')}) VALUES `;
  const returned = options.returning ? metadata.findColumnWithPropertyName(options.returning) : undefined;
  if (options.returning && !returned) throw new Error(`${metadata.name} has no column ${options.returning}`);
  const tail =
    (options.orIgnore && postgres ? ' ON CONFLICT DO NOTHING' : '') +
    (returned ? ` RETURNING ${driver.escape(returned.databaseName)}` : '');
  // Rows stamped with `now` have the same created/updated time: converted once per column, not once per row.
  const preparedNow = new Map<ColumnMetadata, unknown>();
  const prepare = (row: ObjectLiteral, column: ColumnMetadata): unknown => {
    const value: unknown = column.getEntityValue(row, true);
    if (value !== now) return driver.preparePersistentValue(value, column) ?? null;
    if (!preparedNow.has(column)) preparedNow.set(column, driver.preparePersistentValue(now, column) ?? null);
    return preparedNow.get(column);
  };
  const values: unknown[] = [];
  const perStatement = Math.max(1, Math.floor(PARAMETER_BUDGET / columns.length));
  for (let start = 0; start < stamped.length; start += perStatement) {
    const parameters: unknown[] = [];
    const tuples = stamped.slice(start, start + perStatement).map((row) => {
      const placeholders = columns.map((column) => {
        parameters.push(prepare(row, column));
        return postgres ? `$${parameters.length}` : '?';
      });
      return `(${placeholders.join(', ')})`;
    });
    const result: unknown = await manager.query(head + tuples.join(', ') + tail, parameters);
    if (returned) for (const row of result as ObjectLiteral[]) values.push(row[returned.databaseName]);
  }
  return values;
}
