import { Client } from 'pg';

/** Where the benchmarks look for PostgreSQL (the same variable the test suite uses). */
export const PG_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** True when PostgreSQL answers at PG_URL; the PostgreSQL figures are skipped otherwise. */
export async function postgresAnswers(): Promise<boolean> {
  const client = new Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}
