import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SQLITE_FILE_NAME } from '../src/database/data-source-options';
import { eventually } from './support/messages';
import { startTestApp, type TestApp } from './support/test-app';
import { createTenant } from './support/tenants';

/**
 * SQLite's WAL is copied into the database file on a worker thread, not by the main thread when the
 * WAL reaches its automatic checkpoint size (40 MB, far more than this test writes). What is in the
 * database file alone is what a copy of it without its WAL shows.
 */
describe('SQLite WAL checkpoints', () => {
  let testApp: TestApp;
  let scratch: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    scratch = mkdtempSync(join(tmpdir(), 'hd-wal-'));
  });
  afterAll(async () => {
    await testApp?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** How many tickets with this subject the database file holds without its WAL. */
  function ticketsInDatabaseFile(subject: string): number {
    const copy = join(scratch, `copy-${Date.now()}-${Math.random()}.sqlite`);
    copyFileSync(join(testApp.config.dataDir, SQLITE_FILE_NAME), copy);
    const db = new Database(copy, { readonly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM tickets WHERE subject = ?').get(subject) as { n: number }).n;
    } finally {
      db.close();
    }
  }

  const sqlite = !process.env.TEST_DATABASE_URL;
  (sqlite ? it : it.skip)('reach the database file soon after a commit, while the service runs', async () => {
    const tenant = await createTenant(testApp);
    const subject = `Checkpointed ${Date.now()}`;
    await testApp
      .http()
      .post('/api/v1/tickets')
      .set({ Authorization: `Bearer ${tenant.admin.token}` })
      .send({ subject, requesterEmail: 'customer@customer.test', body: 'Hello' })
      .expect(201);
    await eventually(async () => ticketsInDatabaseFile(subject) === 1, 10_000, 100);
  });
});
