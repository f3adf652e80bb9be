import { createHash } from 'node:crypto';
import type { DataSource, ObjectLiteral } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** The part of pg's Pool used here: a query given as a named statement. */
interface NamedStatementPool {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: ObjectLiteral[] }>;
}

const NAMES = new Map<string, string>();

/** A statement's name comes from its text: one name can never stand for two different statements. */
function statementName(sql: string): string {
  let name = NAMES.get(sql);
  if (!name) {
    name = `r${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    NAMES.set(sql, name);
  }
  return name;
}

/**
 * Runs one of the hot, read-only queries (the caller's row on every request, a page of tickets) and
 * returns its raw rows. On PostgreSQL it runs as a named prepared statement straight on the pool: each
 * connection parses and plans it once instead of on every request, which was most of the database's
 * CPU time for a page of the ticket list. SQLite needs nothing: TypeORM's driver keeps its statements
 * prepared. `sql` must use the driver's own placeholders ($1… or ?), as escapeQueryWithParameters gives.
 */
export async function preparedRead(dataSource: DataSource, sql: string, values: unknown[]): Promise<ObjectLiteral[]> {
  const { driver } = dataSource;
  if (!(driver instanceof PostgresDriver)) return (await dataSource.query(sql, values)) as ObjectLiteral[];
  const pool = driver.master as NamedStatementPool;
  return (await pool.query({ name: statementName(sql), text: sql, values })).rows;
}
