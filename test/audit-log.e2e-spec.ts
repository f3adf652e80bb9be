import { freePort } from './harness/free-port';
import { startMailSystem, type MailSystem } from './harness/mail-system';
import { readAudit, storedAuditText, type AuditRow } from './support/audit';
import { manyParts } from './support/poison-mail';
import { openSupportDesk } from './support/support-desk';
import { startTestApp, SUPERADMIN, type TestApp } from './support/test-app';
import { createTenant, superadminToken, type TestTenant } from './support/tenants';

/** Strings that must never reach the audit log, whatever the action: every password the spec uses. */
const MAILBOX = { user: 'support', password: 'imap-pa55-ZQ81', address: 'support@example.test' };
const NEW_AGENT_PASSWORD = 'agent-pa55-KX27';
const WRONG_PASSWORD = 'not-the-pa55-PW93';
const ORG_ADMIN_PASSWORD = 'first-admin-pa55-MN40';

/**
 * Every admin action and sign-in leaves one audit row, through the real API, with real IMAP and SMTP
 * servers behind the settings checks: who, what, on what, the fields set with secrets masked, from
 * where, and whether it worked.
 */
describe('audit log: every admin action and sign-in is recorded', () => {
  let mail: MailSystem;
  let testApp: TestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    [mail, testApp] = await Promise.all([
      startMailSystem({ users: [{ user: MAILBOX.user, password: MAILBOX.password }] }),
      startTestApp({
        MAIL_ALLOW_PRIVATE_HOSTS: 'true',
        MAIL_CONNECT_TIMEOUT_MS: '3000',
        MAIL_VERIFY_TIMEOUT_MS: '3000',
      }),
    ]);
    tenant = await createTenant(testApp);
  });
  afterAll(async () => {
    await testApp?.close();
    await mail?.close();
  });

  const as = (token = tenant.admin.token) => ({ Authorization: `Bearer ${token}` });
  /** The organization's rows of one action, newest first. */
  const rows = async (action: string): Promise<AuditRow[]> =>
    (await readAudit(testApp, tenant.admin.token, { action, pageSize: '200' })).items.filter(
      (row) => row.action === action,
    );
  const byAdmin = (row: AuditRow) =>
    expect(row).toMatchObject({
      organizationId: tenant.organizationId,
      actor: { id: tenant.admin.id, email: tenant.admin.email },
      clientAddress: expect.stringMatching(/127\.0\.0\.1|::1/),
    });
  const incoming = (overrides: Record<string, unknown> = {}) => ({
    host: mail.dovecot.host,
    port: mail.dovecot.imapPort,
    security: 'none',
    username: MAILBOX.user,
    password: MAILBOX.password,
    verifyCertificate: false,
    address: MAILBOX.address,
    ...overrides,
  });

  it('records saved email settings with the fields set and the password masked, never its value', async () => {
    await testApp.http().put('/api/v1/settings/email/incoming').set(as()).send(incoming()).expect(200);
    const outgoing = { host: mail.smtp.host, port: mail.smtp.port, security: 'starttls', verifyCertificate: false };
    await testApp.http().put('/api/v1/settings/email/outgoing').set(as()).send(outgoing).expect(200);

    const [saved] = await rows('settings.email.incoming.saved');
    byAdmin(saved);
    expect(saved).toMatchObject({
      target: { type: 'email-settings', id: tenant.organizationId },
      outcome: 'succeeded',
      changes: { host: mail.dovecot.host, port: mail.dovecot.imapPort, username: MAILBOX.user, password: '••••' },
    });
    const [savedOutgoing] = await rows('settings.email.outgoing.saved');
    expect(savedOutgoing).toMatchObject({
      outcome: 'succeeded',
      changes: { host: mail.smtp.host, security: 'starttls' },
    });
    expect(savedOutgoing.changes).not.toHaveProperty('password');
  });

  it('records connection tests and the round trip, with the outcome the mail servers gave', async () => {
    const post = (path: string, body?: object) =>
      testApp.http().post(`/api/v1/settings/email/${path}`).set(as()).send(body).expect(200);
    expect((await post('incoming/test')).body.ok).toBe(true);
    const refused = incoming({ port: await freePort(), password: WRONG_PASSWORD });
    expect((await post('incoming/test', refused)).body.ok).toBe(false);
    expect((await post('outgoing/test', { to: 'customer@example.test' })).body.ok).toBe(true);
    expect((await post('verify')).body.ok).toBe(true);

    const [failedTest, okTest] = await rows('settings.email.incoming.tested');
    byAdmin(failedTest);
    expect(failedTest).toMatchObject({ outcome: 'failed', changes: { password: '••••', port: refused.port } });
    expect(okTest).toMatchObject({ outcome: 'succeeded', changes: null });
    expect(await rows('settings.email.outgoing.tested')).toEqual([
      expect.objectContaining({ outcome: 'succeeded', changes: { to: 'customer@example.test' } }),
    ]);
    expect(await rows('settings.email.verified')).toEqual([expect.objectContaining({ outcome: 'succeeded' })]);
  });

  it('records sync start, interval, sync now and stop', async () => {
    await testApp.http().post('/api/v1/sync/start').set(as()).send({ from: 'current-date' }).expect(200);
    await testApp.http().put('/api/v1/sync/interval').set(as()).send({ seconds: 900 }).expect(200);
    expect([200, 202]).toContain((await testApp.http().post('/api/v1/sync/now').set(as()).send({})).status);
    await testApp.http().post('/api/v1/sync/stop').set(as()).send({}).expect(200);

    const sync = (await readAudit(testApp, tenant.admin.token, { action: 'sync' })).items;
    expect(sync.map((row) => row.action)).toEqual([
      'sync.stopped',
      'sync.run-requested',
      'sync.interval.changed',
      'sync.started',
    ]);
    sync.forEach(byAdmin);
    expect(sync[2]).toMatchObject({ changes: { seconds: 900 }, target: { type: 'sync', id: tenant.organizationId } });
    expect(sync[3].changes).toEqual({ from: 'current-date' });
  });

  it('records notification settings, user creation and a user being disabled, without the new password', async () => {
    const notifications = { notifications: { ticketReceived: { enabled: false } } };
    await testApp.http().put('/api/v1/settings/notifications').set(as()).send(notifications).expect(200);
    const account = { email: 'new-agent@tenant.test', password: NEW_AGENT_PASSWORD, name: 'New Agent', role: 'agent' };
    const created = await testApp.http().post('/api/v1/users').set(as()).send(account).expect(201);
    await testApp.http().patch(`/api/v1/users/${created.body.id}`).set(as()).send({ disabled: true }).expect(200);

    expect(await rows('settings.notifications.saved')).toEqual([expect.objectContaining({ changes: notifications })]);
    const [userCreated] = await rows('user.created');
    byAdmin(userCreated);
    expect(userCreated).toMatchObject({
      target: { type: 'user', id: created.body.id },
      changes: { email: account.email, role: 'agent', password: '••••' },
    });
    expect(await rows('user.updated')).toEqual([
      expect.objectContaining({ target: { type: 'user', id: created.body.id }, changes: { disabled: true } }),
    ]);
  });

  it('records sign-ins: successful, a wrong password with the client address, and an unknown address', async () => {
    const login = (email: string, password: string) =>
      testApp.http().post('/api/v1/auth/login').send({ email, password });
    await login(tenant.admin.email, WRONG_PASSWORD).expect(401);
    await login('nobody@nowhere.test', WRONG_PASSWORD).expect(401);
    await login(tenant.admin.email, tenant.admin.password).expect(200);

    const [failed] = await rows('auth.sign-in.failed');
    expect(failed).toMatchObject({
      organizationId: tenant.organizationId,
      actor: { id: null, email: tenant.admin.email },
      target: { type: 'user', id: tenant.admin.id },
      clientAddress: expect.stringMatching(/127\.0\.0\.1|::1/),
      outcome: 'failed',
      changes: null,
    });
    const [succeeded] = await rows('auth.sign-in.succeeded');
    byAdmin(succeeded);
    expect(succeeded.outcome).toBe('succeeded');
    // An address nobody has belongs to no organization: only the superadmin sees the attempt.
    expect((await rows('auth.sign-in.failed')).map((row) => row.actor.email)).not.toContain('nobody@nowhere.test');
    const platform = await readAudit(testApp, await superadminToken(testApp), { action: 'auth.sign-in.failed' });
    expect(platform.items).toContainEqual(
      expect.objectContaining({ organizationId: null, actor: { id: null, email: 'nobody@nowhere.test' } }),
    );
  });

  it('records an organization created by the superadmin in that organization, the first admin password masked', async () => {
    const root = await superadminToken(testApp);
    const admin = { email: 'first-admin@other.test', password: ORG_ADMIN_PASSWORD, name: 'First Admin' };
    const created = await testApp
      .http()
      .post('/api/v1/organizations')
      .set(as(root))
      .send({ name: 'Audited Org', admin })
      .expect(201);
    const { items } = await readAudit(testApp, root, { action: 'organization.created', pageSize: '200' });
    const row = items.find((candidate) => candidate.target?.id === created.body.id);
    expect(row).toMatchObject({
      organizationId: created.body.id,
      actor: { email: SUPERADMIN.email },
      changes: { name: 'Audited Org', admin: { email: admin.email, name: admin.name, password: '••••' } },
    });
  });

  it('records failures retried and dismissed', async () => {
    const support = await openSupportDesk(testApp, mail.dovecot);
    await support.deliver(manyParts(support.address, 1100, 'Part bomb'));
    expect(await support.desk.syncNow()).toMatchObject({ failed: 1 });
    const [failure] = await support.desk.failures();
    const auth = as(support.desk.tenant.admin.token);
    await testApp.http().post(`/api/v1/sync/failures/${failure.id}/retry`).set(auth).send({}).expect(200);
    await testApp.http().delete(`/api/v1/sync/failures/${failure.id}`).set(auth).expect(204);

    const { items } = await readAudit(testApp, support.desk.tenant.admin.token, { action: 'sync.failure' });
    expect(items).toEqual([
      expect.objectContaining({ action: 'sync.failure.dismissed', target: { type: 'sync-failure', id: failure.id } }),
      // The part bomb fails again: the retry happened, and did not work.
      expect.objectContaining({
        action: 'sync.failure.retried',
        target: { type: 'sync-failure', id: failure.id },
        outcome: 'failed',
      }),
    ]);
  });

  it('never stores or shows a password, in the table or through the API', async () => {
    const stored = await storedAuditText(testApp);
    const listed = JSON.stringify(await readAudit(testApp, await superadminToken(testApp), { pageSize: '200' }));
    for (const secret of [
      MAILBOX.password,
      NEW_AGENT_PASSWORD,
      WRONG_PASSWORD,
      ORG_ADMIN_PASSWORD,
      tenant.admin.password,
    ]) {
      expect(stored).not.toContain(secret);
      expect(listed).not.toContain(secret);
    }
    expect(stored).toContain('••••');
  });
});
