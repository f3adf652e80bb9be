import { DataSource } from 'typeorm';
import { undoThrough } from './support/migrations';
import { usingPostgres } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';

/** PostgreSQL keeps the raw messages (base64, which hardly compresses) out of line without compressing them. */
describe('raw message storage', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  const storageOf = async (table: string): Promise<string> => {
    const [row] = await testApp.app
      .get(DataSource)
      .query<{ storage: string }[]>(
        `SELECT attstorage AS storage FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'raw_base64'`,
        [table],
      );
    return row.storage;
  };

  (usingPostgres() ? it : it.skip)('stores the ledger and failure raw bytes EXTERNAL, and undoes it', async () => {
    expect(await storageOf('ingested_messages')).toBe('e');
    expect(await storageOf('sync_failures')).toBe('e');
    const dataSource = testApp.app.get(DataSource);
    await undoThrough(dataSource, 'RawBytesUncompressed1764000006000');
    expect(await storageOf('ingested_messages')).toBe('x');
    expect(await storageOf('sync_failures')).toBe('x');
    await dataSource.runMigrations({ transaction: 'each' });
    expect(await storageOf('ingested_messages')).toBe('e');
    expect(await storageOf('sync_failures')).toBe('e');
  });
});
