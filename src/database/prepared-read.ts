import { createHash } from 'node:crypto';
import type { DataSource, ObjectLiteral } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** The part of pg's Pool used here: a query given as a named statement. */
interface NamedStatementPool {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: ObjectLiteral[] }>;
}

/** The part of better-sqlite3's Database used here. */
interface SqliteDatabase {
  prepare(sql: string): { all(...values: unknown[]): ObjectLiteral[] };
}

const NAMES = new Map<string, string>();
const SQLITE_STATEMENTS = new WeakMap<SqliteDatabase, Map<string, ReturnType<SqliteDatabase['prepare']>>>();

/** A statement's name comes from its text: one name can never stand for two different statements. */
export function statementName(sql: string): string {
  let name = NAMES.get(sql);
  if (!name) {
    name = `r${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    NAMES.set(sql, name);
  }
  return name;
}

/**
 * Runs one of the hot, read-only queries (the caller's row on every request, a page of tickets) and
 * returns its raw rows, past TypeORM's query runner:
 * - PostgreSQL: as a named prepared statement on the pool, so each connection parses and plans it once
 *   instead of on every request (that was most of the database's CPU time for a page of tickets);
 * - SQLite: on the driver's one connection, with the statement kept prepared. TypeORM's query runner
 *   cost as much CPU around each query as SQLite took to answer it.
 * `sql` must use the driver's own placeholders ($1… or ?), as escapeQueryWithParameters gives, and
 * values SQLite can bind as they are (strings and numbers).
 */
export async function preparedRead(dataSource: DataSource, sql: string, values: unknown[]): Promise<ObjectLiteral[]> {
  const { driver } = dataSource;
  if (driver instanceof PostgresDriver) {
    const pool = driver.master as NamedStatementPool;
    return (await pool.query({ name: statementName(sql), text: sql, values })).rows;
  }
  // The only other dialect the service runs on (buildDataSourceOptions): better-sqlite3.
  const database = (driver as unknown as { databaseConnection: SqliteDatabase }).databaseConnection;
  let statements = SQLITE_STATEMENTS.get(database);
  if (!statements) SQLITE_STATEMENTS.set(database, (statements = new Map()));
  let statement = statements.get(sql);
  if (!statement) statements.set(sql, (statement = database.prepare(sql)));
  return statement.all(...values);
}
