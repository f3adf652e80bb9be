import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { EntityMetadata } from 'typeorm/metadata/EntityMetadata';

/** Keys per SQLite statement: well under its 32,766 bound parameters. */
const SQLITE_CHUNK = 500;

/**
 * The organization's rows whose `key` column (a text column) is one of `keys`, with the `select`ed
 * properties as the driver returns them (no column transformers), for a table with a unique index on
 * (organization_id, key). Nothing is guaranteed about the order.
 *
 * On PostgreSQL the keys go in as one array, and each is looked up on its own (a LATERAL subquery),
 * so each key is one probe of that unique index whatever the table's statistics say. As `key IN (…)`
 * (and as a plain join), PostgreSQL planned a table it had not analyzed yet (one filling up during a
 * mailbox's first sync, before autovacuum comes by) as a read of all the organization's rows: 6.5 ms
 * per 50 keys at 10,000 rows, growing with the table; 0.4 ms this way. It is planned on every call, not
 * prepared once: a plan made while the table was nearly empty (a scan of it per key) would be kept as
 * the table grew, and took 48 ms per 50 keys by 10,000 rows. The table's only index that begins with
 * the organization must be the unique one: given two, the planner could take either for an
 * unanalyzed table, and the other reads all the organization's rows per key (see the
 * MessageIdsByTicket migration).
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
  const unique = [...new Set(keys)];
  if (manager.connection.options.type === 'postgres') {
    const sql = postgresKeyLookup(manager, entity, key, select);
    return (await manager.query(sql, [organizationId, unique])) as Pick<T, S>[];
  }
  const { list, from, where, keyColumn } = lookupParts(manager, entity, key, select);
  const rows: Pick<T, S>[] = [];
  for (let start = 0; start < unique.length; start += SQLITE_CHUNK) {
    const chunk = unique.slice(start, start + SQLITE_CHUNK);
    const sql = `SELECT ${list} FROM ${from} WHERE ${where}? AND ${keyColumn} IN (${placeholders(chunk.length)})`;
    rows.push(...((await manager.query(sql, [organizationId, ...chunk])) as Pick<T, S>[]));
  }
  return rows;
}

/** findByKeys' statement on PostgreSQL: `$1` the organization, `$2` the keys as one text array. */
export function postgresKeyLookup<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  key: keyof T & string,
  select: (keyof T & string)[],
): string {
  const { list, from, where, keyColumn } = lookupParts(manager, entity, key, select);
  // LIMIT 1 keeps the subquery from being flattened into a hash join over all the organization's rows.
  return (
    `SELECT k.* FROM unnest($2::text[]) AS u(value) CROSS JOIN LATERAL ` +
    `(SELECT ${list} FROM ${from} WHERE ${where}$1 AND ${keyColumn} = u.value LIMIT 1) k`
  );
}

/** The pieces of the lookup both dialects share, escaped by the driver. */
function lookupParts<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  key: keyof T & string,
  select: (keyof T & string)[],
): { list: string; from: string; where: string; keyColumn: string } {
  const metadata = manager.connection.getMetadata(entity);
  const escape = (name: string): string => manager.connection.driver.escape(name);
  const columns: string[] = [];
  for (const property of select) columns.push(`t.${columnOf(metadata, property, escape)} AS ${escape(property)}`);
  return {
    list: columns.join(', '),
    from: `${escape(metadata.tableName)} t`,
    where: `t.${columnOf(metadata, 'organizationId', escape)} = `,
    keyColumn: `t.${columnOf(metadata, key, escape)}`,
  };
}

function columnOf(metadata: EntityMetadata, property: string, escape: (name: string) => string): string {
  const column = metadata.findColumnWithPropertyName(property);
  if (!column) throw new Error(`${metadata.name} has no column ${property}`);
  return escape(column.databaseName);
}

function placeholders(count: number): string {
  return new Array<string>(count).fill('?').join(', ');
}
