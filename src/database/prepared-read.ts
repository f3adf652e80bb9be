import { createHash } from 'node:crypto';
import {
  QueryFailedError,
  QueryRunnerAlreadyReleasedError,
  type DataSource,
  type EntityManager,
  type ObjectLiteral,
} from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** The part of pg's Pool (and Client) used here: a query given as a named statement. */
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

/**
 * Runs a PostgreSQL statement on `manager`: inside a transaction, as a named prepared statement on the
 * transaction's own connection, so PostgreSQL parses and plans it once per connection; outside one,
 * through TypeORM. A failure is TypeORM's QueryFailedError either way (unique violations are recognised
 * by it).
 */
export async function queryNamed(manager: EntityManager, sql: string, values: unknown[]): Promise<ObjectLiteral[]> {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) return (await manager.query(sql, values)) as ObjectLiteral[];
  // TypeORM's own guard: a released runner's connection is back in the pool, maybe in someone else's transaction.
  if (runner.isReleased) throw new QueryRunnerAlreadyReleasedError();
  const client = (await runner.connect()) as NamedStatementPool;
  try {
    return (await client.query({ name: statementName(sql), text: sql, values })).rows;
  } catch (error) {
    throw new QueryFailedError(sql, values, error as Error);
  }
}
