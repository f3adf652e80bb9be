import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/** Keys per SQLite statement: well under its 32,766 bound parameters. */
const SQLITE_CHUNK = 500;

/**
 * The organization's rows whose `key` column is one of `keys`, with the `select`ed properties, for a
 * table with a unique index on (organization_id, key). Nothing is guaranteed about the order.
 *
 * On PostgreSQL the keys go in as one array, and each is looked up on its own (a LATERAL subquery),
 * so each key is one probe of that unique index whatever the table's statistics say. As `key IN (…)`
 * (and as a plain join), PostgreSQL planned a table it had not analyzed yet (one filling up during a
 * mailbox's first sync, before autovacuum comes by) as a read of all the organization's rows: 6.5 ms
 * per 50 keys at 10,000 rows, growing with the table; 0.4 ms this way. It is planned on every call, not
 * prepared once: a plan made while the table was nearly empty (a scan of it per key) would be kept as
 * the table grew, and took 48 ms per 50 keys by 10,000 rows.
 */
export async function findByKeys<T extends ObjectLiteral, S extends keyof T & string>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  key: keyof T & string,
  organizationId: string,
  keys: string[],
  select: S[],
): Promise<Pick<T, S>[]> {
  if (keys.length === 0) return [];
  const { driver } = manager.connection;
  const metadata = manager.connection.getMetadata(entity);
  const columnOf = (property: string): string => {
    const column = metadata.findColumnWithPropertyName(property);
    if (!column) throw new Error(`${metadata.name} has no column ${property}`);
    return driver.escape(column.databaseName);
  };
  const list = select.map((property) => `t.${columnOf(property)} AS ${driver.escape(property)}`).join(', ');
  const table = `${driver.escape(metadata.tableName)} t`;
  const organization = columnOf('organizationId');
  const unique = [...new Set(keys)];
  if (manager.connection.options.type === 'postgres') {
    // LIMIT 1 keeps the subquery from being flattened into a hash join over all the organization's rows.
    const sql =
      `SELECT k.* FROM unnest($2::text[]) AS u(value) CROSS JOIN LATERAL ` +
      `(SELECT ${list} FROM ${table} WHERE t.${organization} = $1 AND t.${columnOf(key)} = u.value LIMIT 1) k`;
    return (await manager.query(sql, [organizationId, unique])) as Pick<T, S>[];
  }
  const rows: Pick<T, S>[] = [];
  for (let start = 0; start < unique.length; start += SQLITE_CHUNK) {
    const chunk = unique.slice(start, start + SQLITE_CHUNK);
    const sql =
      `SELECT ${list} FROM ${table} WHERE t.${organization} = ? ` +
      `AND t.${columnOf(key)} IN (${chunk.map(() => '?').join(', ')})`;
    rows.push(...((await manager.query(sql, [organizationId, ...chunk])) as Pick<T, S>[]));
  }
  return rows;
}
