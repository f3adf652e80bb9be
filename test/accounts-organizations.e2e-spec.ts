import { DataSource } from 'typeorm';
import { SyncScheduler } from '../src/sync/sync-scheduler';
import { startDovecot, type DovecotServer } from './harness/dovecot';
import { eventually, makeMessage } from './support/messages';
import { openSupportDesk } from './support/support-desk';
import { startTestApp, TestApp } from './support/test-app';
import { createTenant, login, superadminToken } from './support/tenants';

/** Organization names, renaming, disabling and enabling, with a real sync against Dovecot. */
describe('accounts: organizations (HTTP, real Dovecot, real database)', () => {
  let dovecot: DovecotServer;
  let testApp: TestApp;
  let root: string;

  beforeAll(async () => {
    dovecot = await startDovecot();
    testApp = await startTestApp({ MAIL_ALLOW_PRIVATE_HOSTS: 'true', SYNC_MIN_INTERVAL_SECONDS: '1' });
    root = await superadminToken(testApp);
  });
  afterAll(async () => {
    await testApp.close();
    await dovecot.close();
  });

  const patch = (id: string, body: Record<string, unknown>) =>
    testApp.http().patch(`/api/v1/organizations/${id}`).auth(root, { type: 'bearer' }).send(body);
  const ticketsInDatabase = async (organizationId: string): Promise<number> => {
    const dataSource = testApp.app.get(DataSource);
    const [sql, parameters] = dataSource.driver.escapeQueryWithParameters(
      'SELECT COUNT(*) AS "count" FROM "tickets" WHERE "organization_id" = :organizationId',
      { organizationId },
    );
    const rows = (await dataSource.query(sql, parameters)) as { count: string | number }[];
    return Number(rows[0].count);
  };

  it('keeps names unique whatever the letter case', async () => {
    await createTenant(testApp, 'Acme Support');
    const clash = await testApp
      .http()
      .post('/api/v1/organizations')
      .auth(root, { type: 'bearer' })
      .send({ name: 'ACME support', admin: { email: 'second@acme.test', password: 'second admin phrase', name: 'A' } })
      .expect(409);
    expect(clash.body).toMatchObject({ statusCode: 409, code: 'ORGANIZATION_NAME_TAKEN' });
    // Nothing half-made: the admin of the refused organization does not exist.
    await testApp
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'second@acme.test', password: 'second admin phrase' })
      .expect(401);
  });

  it('lets the superadmin rename an organization, not onto another one’s name', async () => {
    const first = await createTenant(testApp, 'Globex Help');
    await createTenant(testApp, 'Initech Desk');
    const clash = await patch(first.organizationId, { name: 'initech DESK' }).expect(409);
    expect(clash.body.code).toBe('ORGANIZATION_NAME_TAKEN');
    // Its own name in another case is no clash.
    await patch(first.organizationId, { name: 'GLOBEX help' }).expect(200);
    const renamed = await patch(first.organizationId, { name: 'Globex Customer Care' }).expect(200);
    expect(renamed.body).toMatchObject({ id: first.organizationId, name: 'Globex Customer Care', disabled: false });
    const me = await testApp.http().get('/api/v1/me').auth(first.admin.token, { type: 'bearer' }).expect(200);
    expect(me.body.organization).toEqual({ id: first.organizationId, name: 'Globex Customer Care' });
    await testApp
      .http()
      .patch(`/api/v1/organizations/${first.organizationId}`)
      .auth(first.admin.token, { type: 'bearer' })
      .send({ name: 'Mine' })
      .expect(403);
  });

  it('disables an organization: no sign-in, tokens stop, sync stops, nothing deleted; enabling resumes', async () => {
    const desk = await openSupportDesk(testApp, dovecot);
    const { tenant } = desk.desk;
    const organizationId = tenant.organizationId;
    const auth = { Authorization: `Bearer ${tenant.admin.token}` };
    await testApp.http().put('/api/v1/sync/interval').set(auth).send({ seconds: 1 }).expect(200);
    await desk.deliver(makeMessage({ subject: 'Before disabling' }));
    await eventually(async () => (await ticketsInDatabase(organizationId)) === 1);

    const disabled = await patch(organizationId, { disabled: true }).expect(200);
    expect(disabled.body).toMatchObject({ id: organizationId, disabled: true });
    await testApp.http().get('/api/v1/me').set(auth).expect(401);
    const refused = await testApp
      .http()
      .post('/api/v1/auth/login')
      .send({ email: tenant.admin.email, password: tenant.admin.password })
      .expect(403);
    expect(refused.body).toMatchObject({ statusCode: 403, code: 'ORGANIZATION_DISABLED' });
    await testApp
      .http()
      .post('/api/v1/auth/login')
      .send({ email: tenant.admin.email, password: 'wrong guess here' })
      .expect(401);

    // The schedule is gone, on this instance and in the state every instance reads.
    const scheduler = testApp.app.get(SyncScheduler);
    await eventually(async () => !scheduler.isScheduled(organizationId));
    await desk.deliver(makeMessage({ subject: 'While disabled' }));
    // Three intervals pass without a run.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(scheduler.isScheduled(organizationId)).toBe(false);
    expect(await ticketsInDatabase(organizationId)).toBe(1);

    await patch(organizationId, { disabled: false }).expect(200);
    await eventually(async () => scheduler.isScheduled(organizationId));
    const token = await login(testApp, tenant.admin.email, tenant.admin.password);
    // The ticket from before is kept, and the mail that came meanwhile is taken once sync resumes.
    const subjects = await eventually(async () => {
      const list = await testApp.http().get('/api/v1/tickets').auth(token, { type: 'bearer' }).expect(200);
      const names = (list.body.items as { subject: string }[]).map((ticket) => ticket.subject).sort();
      return names.length === 2 ? names : null;
    });
    expect(subjects).toEqual(['Before disabling', 'While disabled']);
  });

  it('keeps a disabled organization’s sync off across a restart', async () => {
    const desk = await openSupportDesk(testApp, dovecot);
    const organizationId = desk.desk.tenant.organizationId;
    await patch(organizationId, { disabled: true }).expect(200);
    testApp = await testApp.restart();
    root = await superadminToken(testApp);
    expect(testApp.app.get(SyncScheduler).isScheduled(organizationId)).toBe(false);
    await patch(organizationId, { disabled: false }).expect(200);
    await eventually(async () => testApp.app.get(SyncScheduler).isScheduled(organizationId));
  });
});
