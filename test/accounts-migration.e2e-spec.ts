import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { undoThrough } from './support/migrations';
import { startTestApp, SUPERADMIN, TestApp } from './support/test-app';
import { login, superadminToken } from './support/tenants';

/** Migration Accounts: names that clash by letter case are told apart, not refused; down and up again work. */
describe('accounts: the migration', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  it('renames organizations whose names differ only in letter case, oldest first, and keeps users signing in', async () => {
    const dataSource = testApp.app.get(DataSource);
    const tokenFromBefore = await superadminToken(testApp);
    const undone = await undoThrough(dataSource, 'Accounts1764000014000');
    const insert = async (name: string, createdAt: string) => {
      const [sql, parameters] = dataSource.driver.escapeQueryWithParameters(
        'INSERT INTO "organizations" ("id", "name", "created_at", "updated_at") VALUES (:id, :name, :createdAt, :createdAt)',
        { id: randomUUID(), name, createdAt: new Date(createdAt) },
      );
      await dataSource.query(sql, parameters);
    };
    await insert('Acme', '2026-01-01T00:00:00Z');
    await insert('ACME', '2026-01-02T00:00:00Z');
    await insert('acme (2)', '2026-01-03T00:00:00Z');
    await insert('acme', '2026-01-04T00:00:00Z');
    expect((await dataSource.runMigrations({ transaction: 'each' })).map((migration) => migration.name)).toEqual(
      undone,
    );

    // A token issued before the migration (session version 0, as every user starts) still works after it.
    const list = await testApp
      .http()
      .get('/api/v1/organizations')
      .auth(tokenFromBefore, { type: 'bearer' })
      .expect(200);
    expect((list.body as { name: string }[]).map((organization) => organization.name)).toEqual([
      'Acme',
      'ACME (3)',
      'acme (2)',
      'acme (4)',
    ]);
    expect((list.body as { disabled: boolean }[]).every((organization) => organization.disabled === false)).toBe(true);
    await login(testApp, SUPERADMIN.email, SUPERADMIN.password);
  });
});
