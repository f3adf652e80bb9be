import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Where the e2e suite keeps its data. With TEST_DATABASE_URL (a PostgreSQL server URL) every call
 * gets a brand-new database on that server, dropped again by `drop`; without it, the embedded SQLite
 * file in the app's temporary DATA_DIR is used.
 */
export interface TestDatabase {
  dialect: 'postgres' | 'sqlite';
  /** DATABASE_URL for the app under test, or undefined for SQLite. */
  url: string | undefined;
  drop(): Promise<void>;
}

export const usingPostgres = (): boolean => Boolean(process.env.TEST_DATABASE_URL);

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return { dialect: 'sqlite', url: undefined, drop: async () => undefined };
  const name = `hd_test_${randomBytes(6).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE template0`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    dialect: 'postgres',
    url: url.toString(),
    drop: () =>
      withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
