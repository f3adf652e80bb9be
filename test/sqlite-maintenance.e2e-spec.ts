import { DataSource } from 'typeorm';
import { SqliteMaintenance } from '../src/database/sqlite-maintenance';
import { startTestApp, type TestApp } from './support/test-app';
import { createTenant } from './support/tenants';

/**
 * SQLite's planner needs statistics to pick the tickets indexes (without them the ticket list's p99
 * at 100,000 tickets was three times worse). A fresh install starts with empty tables, so the
 * statistics must come from the hourly run, not only from the next restart.
 */
describe('SQLite planner statistics', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp?.close());

  const sqlite = !process.env.TEST_DATABASE_URL;
  (sqlite ? it : it.skip)('are gathered by the periodic run for tables that were empty at start', async () => {
    const dataSource = testApp.app.get(DataSource);
    const analyzed = async () =>
      ((await dataSource.query(`SELECT DISTINCT tbl FROM sqlite_stat1`)) as { tbl: string }[]).map((row) => row.tbl);
    expect(await analyzed()).not.toContain('tickets');
    const tenant = await createTenant(testApp);
    for (let i = 0; i < 3; i += 1) {
      await testApp
        .http()
        .post('/api/v1/tickets')
        .set({ Authorization: `Bearer ${tenant.admin.token}` })
        .send({ subject: `Ticket ${i}`, requesterEmail: `customer-${i}@customer.test`, body: 'Hello' })
        .expect(201);
    }
    await testApp.app.get(SqliteMaintenance).optimize();
    expect(await analyzed()).toEqual(expect.arrayContaining(['tickets', 'comments', 'contacts']));
  });
});
