import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { IncidentsRepository } from '../src/alerts/incidents.repository';
import { Notification } from '../src/notifications/notification.entity';
import { SyncFailuresRepository } from '../src/sync/sync-failures.repository';
import { SyncRunsRepository } from '../src/sync/sync-runs.repository';
import { TicketsService } from '../src/tickets/tickets.service';
import { readRouteTable } from './support/route-table';
import { startTestApp, TestApp } from './support/test-app';
import { createTenant, TestTenant } from './support/tenants';

/** One id, or one per path parameter by name (e.g. `{ id, attachmentId }`). */
type Ids = string | Record<string, string>;

/**
 * Every id-taking route, called with another organization's token, answers 404 exactly like a
 * missing id, and changes nothing. Each entry creates its resource in the victim organization.
 */
interface IsolationCase {
  method: 'get' | 'patch' | 'put' | 'post' | 'delete';
  path: string;
  createInVictim: (victim: TestTenant) => Promise<Ids>;
  body: Record<string, unknown>;
  /** Reads the resource back as its owner, to prove nothing changed. */
  readAsOwner: (victim: TestTenant, ids: Ids) => Promise<unknown>;
}

const fill = (path: string, ids: Ids) =>
  path.replace(/\{([^}]+)\}/g, (_, name: string) => (typeof ids === 'string' ? ids : ids[name]));

describe('tenant isolation', () => {
  let testApp: TestApp;
  let victim: TestTenant;
  let attacker: TestTenant;

  const victimTicket = async (tenant: TestTenant) =>
    testApp.app.get(TicketsService).createTicketFromEmail(tenant.organizationId, {
      subject: 'Victim ticket',
      from: { address: 'victim@customer.test', name: 'Victim' },
      cc: [],
      messageId: `<${randomUUID()}@customer.test>`,
      text: 'secret',
      html: null,
      fullText: 'secret',
      attachments: [
        {
          filename: 'secret.txt',
          contentType: 'text/plain',
          content: Buffer.from('secret'),
          contentId: null,
          inline: false,
        },
      ],
      receivedAt: new Date(),
    });
  /** A message the victim's sync could not process, straight into its failures list. */
  const victimFailure = async (tenant: TestTenant): Promise<string> => {
    const failures = testApp.app.get(SyncFailuresRepository);
    await failures.record(tenant.organizationId, {
      folder: 'INBOX',
      uidValidity: '1',
      uid: Math.floor(Math.random() * 1e6),
      runId: null,
      errorClass: 'parse',
      reason: 'unreadable',
      size: 6,
      raw: Buffer.from('secret'),
    });
    return (await failures.list(tenant.organizationId, 'open', 1))[0].id;
  };
  /** A recorded sync run of the victim's. */
  const victimRun = async (tenant: TestTenant): Promise<string> =>
    (await testApp.app.get(SyncRunsRepository).start(tenant.organizationId, 'manual')).id;
  const runsOf = async (tenant: TestTenant) => (await readAs(tenant, '/api/v1/sync/runs')).body;
  const openFailures = async (tenant: TestTenant) => (await readAs(tenant, '/api/v1/sync/failures?status=open')).body;
  /** A notification the loop brake held back (retryable), straight into the victim's outbox. */
  const victimNotification = async (tenant: TestTenant): Promise<string> => {
    const { ticketId } = await victimTicket(tenant);
    const id = randomUUID();
    const now = new Date();
    await testApp.app
      .get(DataSource)
      .getRepository(Notification)
      .insert({
        id,
        organizationId: tenant.organizationId,
        ticketId,
        eventId: randomUUID(),
        kind: 'ticketReceived',
        automatic: true,
        recipient: 'victim@customer.test',
        subject: 'We received your request [#1]',
        bodyText: 'secret',
        bodyHtml: '<p>secret</p>',
        headers: {},
        messageId: `<${randomUUID()}@helpdesk.test>`,
        inReplyTo: null,
        references: null,
        status: 'suppressed',
        reason: 'Loop brake: held back for the test',
        attempts: 0,
        nextAttemptAt: now,
        leaseUntil: null,
        leaseOwner: null,
        sentAt: null,
        smtpResponse: null,
        createdAt: now,
        updatedAt: now,
      });
    return id;
  };
  /** An open incident of the victim's (straight into the table: no alert mail). */
  const victimIncident = async (tenant: TestTenant): Promise<string> =>
    (await testApp.app.get(IncidentsRepository).open(tenant.organizationId, 'failed-messages', 'secret', new Date()))
      .incident.id;
  const victimNotifications = async (tenant: TestTenant) => (await readAs(tenant, '/api/v1/notifications')).body;
  const readAs = (tenant: TestTenant, path: string) =>
    testApp
      .http()
      .get(path)
      .auth(tenant.admin.token, { type: 'bearer' })
      .expect(200)
      .then((response) => ({ body: response.body, text: response.text }));

  const cases: IsolationCase[] = [
    {
      method: 'get',
      path: '/api/v1/tickets/{id}',
      createInVictim: async (tenant) => (await victimTicket(tenant)).ticketId,
      body: {},
      readAsOwner: (tenant, ids) => readAs(tenant, fill('/api/v1/tickets/{id}', ids)),
    },
    {
      method: 'patch',
      path: '/api/v1/tickets/{id}',
      createInVictim: async (tenant) => (await victimTicket(tenant)).ticketId,
      body: { status: 'closed', priority: 'urgent', assigneeId: null },
      readAsOwner: (tenant, ids) => readAs(tenant, fill('/api/v1/tickets/{id}', ids)),
    },
    {
      method: 'post',
      path: '/api/v1/tickets/{id}/comments',
      createInVictim: async (tenant) => (await victimTicket(tenant)).ticketId,
      body: { body: 'written by another organization' },
      readAsOwner: (tenant, ids) => readAs(tenant, fill('/api/v1/tickets/{id}', ids)),
    },
    {
      method: 'get',
      path: '/api/v1/tickets/{id}/attachments/{attachmentId}',
      createInVictim: async (tenant) => {
        const { ticketId } = await victimTicket(tenant);
        const ticket = await readAs(tenant, `/api/v1/tickets/${ticketId}`);
        return { id: ticketId, attachmentId: ticket.body.comments[0].attachments[0].id as string };
      },
      body: {},
      readAsOwner: (tenant, ids) => readAs(tenant, fill('/api/v1/tickets/{id}/attachments/{attachmentId}', ids)),
    },
    {
      method: 'get',
      path: '/api/v1/sync/failures/{id}/raw',
      createInVictim: victimFailure,
      body: {},
      readAsOwner: (tenant) => openFailures(tenant),
    },
    {
      method: 'get',
      path: '/api/v1/sync/runs/{id}',
      createInVictim: victimRun,
      body: {},
      readAsOwner: (tenant) => runsOf(tenant),
    },
    {
      method: 'get',
      path: '/api/v1/sync/runs/{id}/messages',
      createInVictim: victimRun,
      body: {},
      readAsOwner: (tenant) => runsOf(tenant),
    },
    {
      method: 'post',
      path: '/api/v1/sync/failures/{id}/retry',
      createInVictim: victimFailure,
      body: {},
      readAsOwner: (tenant) => openFailures(tenant),
    },
    {
      method: 'delete',
      path: '/api/v1/sync/failures/{id}',
      createInVictim: victimFailure,
      body: {},
      readAsOwner: (tenant) => openFailures(tenant),
    },
    {
      method: 'post',
      path: '/api/v1/notifications/{id}/retry',
      createInVictim: victimNotification,
      body: {},
      readAsOwner: (tenant) => victimNotifications(tenant),
    },
    {
      method: 'post',
      path: '/api/v1/alerts/{id}/ack',
      createInVictim: victimIncident,
      body: {},
      readAsOwner: (tenant) => readAs(tenant, '/api/v1/alerts'),
    },
    {
      method: 'patch',
      path: '/api/v1/users/{id}',
      createInVictim: async (tenant) => (await tenant.addUser('agent')).id,
      body: { role: 'admin', disabled: true },
      readAsOwner: async (tenant, id) => {
        const response = await testApp
          .http()
          .get('/api/v1/users')
          .auth(tenant.admin.token, { type: 'bearer' })
          .expect(200);
        return (response.body as { id: string }[]).find((user) => user.id === id);
      },
    },
    {
      method: 'post',
      path: '/api/v1/users/{id}/temporary-password',
      createInVictim: victimUser,
      body: { temporaryPassword: 'attacker chose this phrase' },
      readAsOwner: (_tenant, ids) => signInStatus(ids),
    },
    {
      method: 'post',
      path: '/api/v1/users/{id}/password-reset',
      createInVictim: victimUser,
      body: {},
      readAsOwner: (_tenant, ids) => signInStatus(ids),
    },
  ];

  /** A user of the victim, with what it takes to sign in as them. */
  async function victimUser(tenant: TestTenant): Promise<Ids> {
    const { id, email, password } = await tenant.addUser('agent');
    return { id, email, password };
  }
  /** Whether the victim user still signs in with their own password (and is not made to change it). */
  async function signInStatus(ids: Ids): Promise<unknown> {
    const { email, password } = ids as Record<string, string>;
    const response = await testApp.http().post('/api/v1/auth/login').send({ email, password });
    return { status: response.status, mustChangePassword: response.body.mustChangePassword };
  }

  beforeAll(async () => {
    testApp = await startTestApp();
    victim = await createTenant(testApp, 'Victim Org');
    attacker = await createTenant(testApp, 'Attacker Org');
  });
  afterAll(() => testApp.close());

  it('covers every id-taking route of the API', async () => {
    // Superadmin routes are platform-wide by design (e.g. PATCH /organizations/{id}); tenants get 403 there.
    const idRoutes = (await readRouteTable(testApp)).filter(
      (route) => route.path.includes('{') && route.access !== 'superadmin',
    );
    expect(idRoutes.map((r) => `${r.method} ${r.path}`).sort()).toEqual(
      cases.map((c) => `${c.method.toUpperCase()} ${c.path}`).sort(),
    );
  });

  for (const testCase of cases) {
    it(`${testCase.method.toUpperCase()} ${testCase.path}: another organization gets 404 and changes nothing`, async () => {
      const id = await testCase.createInVictim(victim);
      const before = await testCase.readAsOwner(victim, id);
      const url = fill(testCase.path, id);
      const foreign = await testApp
        .http()
        [testCase.method](url)
        .auth(attacker.admin.token, { type: 'bearer' })
        .send(testCase.body);
      const missing = await testApp
        .http()
        [testCase.method](fill(testCase.path, '11111111-1111-4111-8111-111111111111'))
        .auth(attacker.admin.token, { type: 'bearer' })
        .send(testCase.body);
      expect(foreign.status).toBe(404);
      expect({ ...foreign.body, requestId: null }).toEqual({ ...missing.body, requestId: null });
      expect(await testCase.readAsOwner(victim, id)).toEqual(before);
    });
  }

  it("scopes the notification list and notification settings to the caller's organization", async () => {
    const id = await victimNotification(victim);
    const as = (tenant: TestTenant) => ({ Authorization: `Bearer ${tenant.admin.token}` });
    const theirs = await testApp.http().get('/api/v1/notifications').set(as(attacker)).expect(200);
    expect((theirs.body as { id: string }[]).map((row) => row.id)).not.toContain(id);
    const filtered = await testApp
      .http()
      .get(`/api/v1/notifications?ticketId=${(await victimNotifications(victim))[0].ticketId}`)
      .set(as(attacker))
      .expect(200);
    expect(filtered.body).toEqual([]);
    const before = await readAs(victim, '/api/v1/settings/notifications');
    await testApp
      .http()
      .put('/api/v1/settings/notifications')
      .set(as(attacker))
      .send({ notifications: { ticketReceived: { enabled: false } } })
      .expect(200);
    expect(await readAs(victim, '/api/v1/settings/notifications')).toEqual(before);
  });

  it('lists only the callers own users', async () => {
    const response = await testApp
      .http()
      .get('/api/v1/users')
      .auth(attacker.admin.token, { type: 'bearer' })
      .expect(200);
    expect((response.body as { email: string }[]).map((u) => u.email)).toEqual([attacker.admin.email]);
  });
});
