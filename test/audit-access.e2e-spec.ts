import { DataSource } from 'typeorm';
import { AuditEvent } from '../src/audit/audit-event.entity';
import { AuditRetention } from '../src/audit/audit-retention';
import { readAudit, type AuditRow } from './support/audit';
import { usingPostgres } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';
import { createTenant, superadminToken, type TestTenant, type TestUser } from './support/tenants';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Who reads the audit log and how: an organization's admins see its rows and no other's, the
 * superadmin sees all, agents none; filters and pages; and no way to change history, not even in SQL.
 */
describe('audit log: access, filters and append-only storage', () => {
  let testApp: TestApp;
  let acme: TestTenant;
  let globex: TestTenant;
  let agent: TestUser;
  let root: string;

  beforeAll(async () => {
    testApp = await startTestApp({ AUDIT_RETENTION_DAYS: '30' });
    [acme, globex] = await Promise.all([createTenant(testApp), createTenant(testApp)]);
    agent = await acme.addUser('agent');
    root = await superadminToken(testApp);
    // Five interval changes in Acme: enough rows of one action to page through.
    for (const seconds of [600, 700, 800, 900, 1000]) {
      await testApp
        .http()
        .put('/api/v1/sync/interval')
        .auth(acme.admin.token, { type: 'bearer' })
        .send({ seconds })
        .expect(200);
    }
  });
  afterAll(() => testApp?.close());

  const database = () => testApp.app.get(DataSource);

  it('records every route only admins or the superadmin may call that changes or checks something', async () => {
    type Operation = { 'x-roles'?: string[]; 'x-audit-action'?: string };
    const document = await testApp.http().get('/docs-json').expect(200);
    const paths = document.body.paths as Record<string, Record<string, Operation>>;
    const unaudited = Object.entries(paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(
          ([method, operation]) => method !== 'get' && operation['x-roles'] && !operation['x-roles'].includes('agent'),
        )
        .filter(([, operation]) => !operation['x-audit-action'])
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(unaudited).toEqual([]);
  });

  it("shows an admin their organization's rows only", async () => {
    const own = await readAudit(testApp, globex.admin.token, { pageSize: '200' });
    expect(own.items.length).toBeGreaterThan(0);
    expect(own.items.every((row) => row.organizationId === globex.organizationId)).toBe(true);
    // Acme's admin created a user and changed the interval: none of it shows in Globex.
    expect(own.items.map((row) => row.action)).not.toContain('sync.interval.changed');
    expect(own.items.map((row) => row.action)).not.toContain('user.created');
    expect((await readAudit(testApp, globex.admin.token, { actor: acme.admin.email })).total).toBe(0);
  });

  it('refuses agents (403) and shows the superadmin every organization', async () => {
    const refused = await testApp.http().get('/api/v1/audit').auth(agent.token, { type: 'bearer' }).expect(403);
    expect(refused.body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
    const all = await readAudit(testApp, root, { action: 'organization.created', pageSize: '200' });
    expect(all.items.map((row) => row.organizationId)).toEqual(
      expect.arrayContaining([acme.organizationId, globex.organizationId]),
    );
  });

  it('filters by action (name or dotted prefix), actor (id or address) and time', async () => {
    const intervals = await readAudit(testApp, acme.admin.token, { action: 'sync.interval.changed' });
    expect(intervals.items.map((row) => row.changes)).toEqual(
      [1000, 900, 800, 700, 600].map((seconds) => ({ seconds })),
    );
    expect((await readAudit(testApp, acme.admin.token, { action: 'sync' })).total).toBe(5);
    expect((await readAudit(testApp, acme.admin.token, { action: 'sync.interval' })).total).toBe(5);
    // A prefix matches whole name parts only.
    expect((await readAudit(testApp, acme.admin.token, { action: 'sync.inter' })).total).toBe(0);

    const byId = await readAudit(testApp, acme.admin.token, { actor: acme.admin.id, pageSize: '200' });
    const byAddress = await readAudit(testApp, acme.admin.token, { actor: acme.admin.email, pageSize: '200' });
    expect(byId.items.every((row) => row.actor.id === acme.admin.id)).toBe(true);
    expect(byAddress.items.map((row) => row.id)).toEqual(expect.arrayContaining(byId.items.map((row) => row.id)));
    expect((await readAudit(testApp, acme.admin.token, { actor: agent.email })).items.map((row) => row.action)).toEqual(
      ['auth.sign-in.succeeded'],
    );

    const [newest] = intervals.items;
    const after = new Date(Date.parse(newest.at) + 1).toISOString();
    expect((await readAudit(testApp, acme.admin.token, { from: after })).total).toBe(0);
    const upToNewest = await readAudit(testApp, acme.admin.token, { to: newest.at, action: 'sync' });
    expect(upToNewest.total).toBe(5);
    const fromNewest = await readAudit(testApp, acme.admin.token, { from: newest.at, action: 'sync' });
    expect(fromNewest.items.map((row) => row.id)).toEqual([newest.id]);
  });

  it('pages newest first, in a stable order, without overlap', async () => {
    const everything = await readAudit(testApp, acme.admin.token, { pageSize: '200' });
    const paged: AuditRow[] = [];
    for (let page = 1; ; page += 1) {
      const { items, total, pageSize } = await readAudit(testApp, acme.admin.token, {
        page: String(page),
        pageSize: '2',
      });
      expect({ total, pageSize }).toEqual({ total: everything.total, pageSize: 2 });
      paged.push(...items);
      if (items.length < 2) break;
    }
    expect(paged.map((row) => row.id)).toEqual(everything.items.map((row) => row.id));
    const times = everything.items.map((row) => Date.parse(row.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it.each([
    ['pageSize=0', 'pageSize'],
    ['pageSize=201', 'pageSize'],
    ['page=abc', 'page'],
    ['action=%25', 'action'],
    ['action=Sync.Started', 'action'],
    ['from=yesterday', 'from'],
  ])('answers 400 in the house error shape for %s', async (query, field) => {
    const response = await testApp
      .http()
      .get(`/api/v1/audit?${query}`)
      .auth(acme.admin.token, { type: 'bearer' })
      .expect(400);
    expect(response.body).toEqual({
      statusCode: 400,
      error: expect.any(String),
      message: expect.any(String),
      code: expect.any(String),
      requestId: expect.any(String),
      details: expect.arrayContaining([expect.objectContaining({ field })]),
    });
  });

  it('refuses to change a row through SQL (a trigger), and on PostgreSQL to delete one', async () => {
    const [row] = (await readAudit(testApp, acme.admin.token, { action: 'sync.interval.changed' })).items;
    await expect(
      database().query(`UPDATE audit_events SET action = 'tampered' WHERE id = '${row.id}'`),
    ).rejects.toThrow(/append-only/);
    await expect(database().getRepository(AuditEvent).update({ id: row.id }, { outcome: 'failed' })).rejects.toThrow(
      /append-only/,
    );
    if (usingPostgres()) {
      await expect(database().query(`DELETE FROM audit_events WHERE id = '${row.id}'`)).rejects.toThrow(/append-only/);
      await expect(database().query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
    }
    const [unchanged] = (await readAudit(testApp, acme.admin.token, { action: 'sync.interval.changed' })).items;
    expect(unchanged).toEqual(row);
  });

  it('prunes rows past AUDIT_RETENTION_DAYS and keeps the rest', async () => {
    const old = (days: number, id: string) => ({
      id,
      organizationId: acme.organizationId,
      at: new Date(Date.now() - days * DAY_MS),
      action: 'sync.stopped',
      actorUserId: acme.admin.id,
      actorEmail: acme.admin.email,
      targetType: 'sync',
      targetId: acme.organizationId,
      changes: null,
      clientAddress: '203.0.113.9',
      outcome: 'succeeded' as const,
    });
    const expired = '00000000-0000-7000-8000-000000000031';
    const kept = '00000000-0000-7000-8000-000000000029';
    await database()
      .getRepository(AuditEvent)
      .insert([old(31, expired), old(29, kept)]);
    const before = await readAudit(testApp, acme.admin.token, { pageSize: '200' });
    expect(before.items.map((row) => row.id)).toEqual(expect.arrayContaining([expired, kept]));

    await testApp.app.get(AuditRetention).prune();

    const after = await readAudit(testApp, acme.admin.token, { pageSize: '200' });
    expect(after.items.map((row) => row.id)).not.toContain(expired);
    expect(after.items.map((row) => row.id)).toContain(kept);
    expect(after.total).toBe(before.total - 1);
  });
});
