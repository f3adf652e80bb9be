import { EventEmitter2 } from '@nestjs/event-emitter';
import type { Test } from 'supertest';
import { DataSource } from 'typeorm';
import type { EmailSettingsChangedEvent } from '../src/common/events/domain-events';
import { EmailSettingsService } from '../src/settings/email-settings.service';
import { startTestApp, type TestApp } from './support/test-app';
import { createTenant, type TestTenant } from './support/tenants';

/**
 * The email settings API without mail servers: what is stored, what is returned, validation, tenant
 * scoping, the change event and the outbound host policy. Saving never connects, so any loopback port works.
 */
const PASSWORD = 'imap-Pa55word-that-must-not-leak';
const SMTP_PASSWORD = 'smtp-Pa55word-that-must-not-leak';

const incoming = (overrides: Record<string, unknown> = {}) => ({
  host: '127.0.0.1',
  port: 993,
  security: 'tls',
  username: 'Support@Example.test',
  password: PASSWORD,
  ...overrides,
});
const outgoing = (overrides: Record<string, unknown> = {}) => ({
  host: '127.0.0.1',
  port: 465,
  security: 'tls',
  ...overrides,
});

/** The settings routes as `tenant`'s admin; every response text also goes to `seen`. */
function settingsApi(testApp: TestApp, tenant: TestTenant, seen: string[] = []) {
  const auth = { Authorization: `Bearer ${tenant.admin.token}` };
  const run = async (request: Test) => {
    const response = await request;
    seen.push(response.text);
    return response;
  };
  return {
    get: () => run(testApp.http().get('/api/v1/settings/email').set(auth)),
    put: (section: 'incoming' | 'outgoing', body: object) =>
      run(testApp.http().put(`/api/v1/settings/email/${section}`).set(auth).send(body)),
    post: (path: string, body?: object) => {
      const request = testApp.http().post(`/api/v1/settings/email/${path}`).set(auth);
      return run(body === undefined ? request : request.send(body));
    },
  };
}

const fieldsOf = (body: { details?: Array<{ field: string }> }) => (body.details ?? []).map((d) => d.field).sort();

describe('email settings API', () => {
  let testApp: TestApp;
  let tenant: TestTenant;
  let api: ReturnType<typeof settingsApi>;
  const events: EmailSettingsChangedEvent[] = [];
  /** Every response body of this suite, to prove no password ever left the server. */
  const bodies: string[] = [];

  beforeAll(async () => {
    testApp = await startTestApp({ MAIL_ALLOW_PRIVATE_HOSTS: 'true' });
    tenant = await createTenant(testApp);
    api = settingsApi(testApp, tenant, bodies);
    testApp.app
      .get(EventEmitter2)
      .on('settings.email.changed', (event: EmailSettingsChangedEvent) => events.push(event));
  });
  afterAll(async () => {
    expect(bodies.length).toBeGreaterThan(10);
    for (const body of bodies) {
      expect(body).not.toContain(PASSWORD);
      expect(body).not.toContain(SMTP_PASSWORD);
    }
    await testApp?.close();
  });

  const rows = async (table: string) =>
    testApp.app
      .get(DataSource)
      .createQueryBuilder()
      .select('*')
      .from(table, 't')
      .where('t.organization_id = :id', { id: tenant.organizationId })
      .getRawMany<Record<string, unknown>>();

  it('starts empty', async () => {
    expect((await api.get()).body).toEqual({ incoming: null, outgoing: null, oauth: null });
  });

  it('saves the incoming settings with defaults and never returns the password', async () => {
    const saved = await api.put('incoming', incoming());
    expect(saved.status).toBe(200);
    const expected = {
      auth: 'password',
      host: '127.0.0.1',
      port: 993,
      security: 'tls',
      username: 'Support@Example.test',
      passwordSet: true,
      folder: 'INBOX',
      verifyCertificate: true,
      address: 'support@example.test',
      updatedAt: expect.any(String),
    };
    expect(saved.body).toEqual(expected);
    expect((await api.get()).body).toEqual({ incoming: expected, outgoing: null, oauth: null });
  });

  it('stores the password sealed: the database holds neither it nor anything that decodes to it', async () => {
    const [row] = await rows('email_incoming_settings');
    const sealed = String(row.password_sealed);
    expect(sealed).toMatch(/^v1:[0-9a-f]{12}:[\w-]+:[\w-]+:[\w-]+$/);
    const dump = JSON.stringify(row);
    for (const encoding of ['utf8', 'base64', 'base64url', 'hex'] as const) {
      expect(dump).not.toContain(Buffer.from(PASSWORD).toString(encoding));
    }
    // Sealed again on every save, with a fresh IV.
    expect((await api.put('incoming', incoming())).status).toBe(200);
    const [again] = await rows('email_incoming_settings');
    expect(again.password_sealed).not.toBe(sealed);
  });

  it('keeps the stored password when it is left out, but only while nothing about where it goes changes', async () => {
    const [before] = await rows('email_incoming_settings');
    const { password: _omitted, ...withoutPassword } = incoming({ folder: 'Support' });
    const kept = await api.put('incoming', withoutPassword);
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ folder: 'Support', passwordSet: true });
    const [after] = await rows('email_incoming_settings');
    expect(after.password_sealed).toBe(before.password_sealed);

    for (const change of [
      { host: 'localhost' },
      { username: 'someone-else' },
      { port: 994 },
      { security: 'starttls' },
      { verifyCertificate: false },
    ]) {
      const refused = await api.put('incoming', { ...withoutPassword, ...change });
      expect(refused.status).toBe(400);
      expect(refused.body.details).toEqual([{ field: 'password', messages: [expect.stringMatching(/required/)] }]);
    }
  });

  it('emits settings.email.changed with the organization id on every save', async () => {
    events.length = 0;
    await api.put('incoming', incoming());
    await api.put('outgoing', outgoing());
    expect(events).toEqual([
      { organizationId: tenant.organizationId, section: 'incoming' },
      { organizationId: tenant.organizationId, section: 'outgoing' },
    ]);
    events.length = 0;
    await api.put('outgoing', { ...outgoing(), port: 0 });
    expect(events).toEqual([]);
  });

  it('saves outgoing settings using the incoming credentials and address by default', async () => {
    const saved = await api.put('outgoing', outgoing({ fromName: 'Example Support' }));
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({
      host: '127.0.0.1',
      port: 465,
      security: 'tls',
      authentication: 'login',
      useIncomingCredentials: true,
      username: null,
      passwordSet: false,
      fromAddress: 'support@example.test',
      fromName: 'Example Support',
      verifyCertificate: true,
      updatedAt: expect.any(String),
    });
    const connection = await testApp.app.get(EmailSettingsService).getOutgoingConnection(tenant.organizationId);
    expect(connection).toEqual({
      settings: {
        host: '127.0.0.1',
        port: 465,
        security: 'tls',
        verifyCertificate: true,
        auth: { user: 'Support@Example.test', pass: PASSWORD },
      },
      from: { address: 'support@example.test', name: 'Example Support' },
    });
  });

  it('saves own SMTP credentials sealed, and anonymous SMTP when chosen explicitly', async () => {
    const own = await api.put(
      'outgoing',
      outgoing({
        useIncomingCredentials: false,
        username: 'mailer',
        password: SMTP_PASSWORD,
        fromAddress: 'noreply@example.test',
      }),
    );
    expect(own.body).toMatchObject({
      useIncomingCredentials: false,
      username: 'mailer',
      passwordSet: true,
      fromAddress: 'noreply@example.test',
    });
    const [row] = await rows('email_outgoing_settings');
    expect(JSON.stringify(row)).not.toContain(SMTP_PASSWORD);
    const service = testApp.app.get(EmailSettingsService);
    expect((await service.getOutgoingConnection(tenant.organizationId))?.settings.auth).toEqual({
      user: 'mailer',
      pass: SMTP_PASSWORD,
    });

    const anonymous = await api.put('outgoing', outgoing({ authentication: 'none', port: 25, security: 'none' }));
    expect(anonymous.body).toMatchObject({
      authentication: 'none',
      useIncomingCredentials: false,
      username: null,
      passwordSet: false,
    });
    expect((await service.getOutgoingConnection(tenant.organizationId))?.settings.auth).toBeNull();
    expect(await service.getSupportAddress(tenant.organizationId)).toBe('support@example.test');
  });

  it('answers bad fields with a 400 that names each of them', async () => {
    const bad = await api.put('incoming', {
      host: 'imaps://mail.example.com',
      port: 70000,
      security: 'ssl',
      username: '',
      folder: 'IN\r\nBOX',
      verifyCertificate: 'yes',
      address: 'not-an-address',
      extra: true,
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    expect(fieldsOf(bad.body)).toEqual([
      'address',
      'extra',
      'folder',
      'host',
      'port',
      'security',
      'username',
      'verifyCertificate',
    ]);

    for (const [host, port] of [
      ['mail example.com', 0],
      ['mail.example.com:993', 1.5],
      ['-bad-.example', -1],
    ] as const) {
      const response = await api.put('outgoing', outgoing({ host, port }));
      expect(fieldsOf(response.body)).toEqual(['host', 'port']);
    }
  });

  it('enforces the outgoing credential rules', async () => {
    const ownWithoutLogin = await api.put('outgoing', outgoing({ useIncomingCredentials: false }));
    expect(ownWithoutLogin.status).toBe(400);
    expect(fieldsOf(ownWithoutLogin.body)).toEqual(['password', 'username']);

    const unusedLogin = await api.put('outgoing', outgoing({ username: 'mailer', password: SMTP_PASSWORD }));
    expect(fieldsOf(unusedLogin.body)).toEqual(['password', 'username']);
    expect(unusedLogin.body.details[0].messages[0]).toMatch(/only used when .*useIncomingCredentials is false/);

    const contradiction = await api.put('outgoing', outgoing({ authentication: 'none', useIncomingCredentials: true }));
    expect(fieldsOf(contradiction.body)).toEqual(['useIncomingCredentials']);

    expect(fieldsOf((await api.post('outgoing/test', { to: 'not an address' })).body)).toEqual(['to']);
  });

  it('lets the outgoing settings use the incoming password only on the incoming host, as well protected', async () => {
    const elsewhere = await api.put('outgoing', outgoing({ host: 'localhost' }));
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.details).toEqual([
      { field: 'useIncomingCredentials', messages: [expect.stringMatching(/only sent to the incoming server/)] },
    ]);
    // The incoming settings use TLS with certificate checks; the password must not travel with less.
    const clear = await api.put('outgoing', outgoing({ security: 'none', port: 25 }));
    expect(fieldsOf(clear.body)).toEqual(['security']);
    const unchecked = await api.put('outgoing', outgoing({ verifyCertificate: false }));
    expect(fieldsOf(unchecked.body)).toEqual(['verifyCertificate']);
    expect((await api.put('outgoing', outgoing({ security: 'starttls', port: 587 }))).status).toBe(200);
  });

  it('keeps the own SMTP password only while nothing about where it goes changes', async () => {
    const own = { useIncomingCredentials: false, username: 'mailer', password: SMTP_PASSWORD };
    expect((await api.put('outgoing', outgoing(own))).status).toBe(200);
    const { password: _omitted, ...withoutPassword } = { ...outgoing(), ...own };
    expect((await api.put('outgoing', { ...withoutPassword, fromName: 'Desk' })).status).toBe(200);
    for (const change of [
      { host: 'localhost' },
      { port: 587 },
      { security: 'starttls' },
      { verifyCertificate: false },
    ]) {
      const refused = await api.put('outgoing', { ...withoutPassword, ...change });
      expect(refused.status).toBe(400);
      expect(refused.body.details).toEqual([{ field: 'password', messages: [expect.stringMatching(/required/)] }]);
    }
  });

  it('needs the incoming settings (or an explicit sender) before outgoing settings can lean on them', async () => {
    const fresh = settingsApi(testApp, await createTenant(testApp));
    const response = await fresh.put('outgoing', outgoing());
    expect(response.status).toBe(400);
    expect(fieldsOf(response.body)).toEqual(['fromAddress', 'useIncomingCredentials']);
    const anonymous = await fresh.put(
      'outgoing',
      outgoing({ authentication: 'none', fromAddress: 'desk@example.test' }),
    );
    expect(anonymous.status).toBe(200);
  });

  it('keeps each organization to its own settings', async () => {
    const other = await createTenant(testApp);
    const otherApi = settingsApi(testApp, other, bodies);
    expect((await otherApi.get()).body).toEqual({ incoming: null, outgoing: null, oauth: null });
    expect(
      (await otherApi.put('incoming', incoming({ username: 'other@example.test', password: 'other-password' }))).status,
    ).toBe(200);
    expect((await otherApi.get()).body.incoming.username).toBe('other@example.test');
    expect((await api.get()).body.incoming.username).toBe('Support@Example.test');
    const service = testApp.app.get(EmailSettingsService);
    expect((await service.getIncomingConnection(tenant.organizationId))?.password).toBe(PASSWORD);
    expect((await service.getIncomingConnection(other.organizationId))?.password).toBe('other-password');
  });

  it('lets only admins in', async () => {
    const agent = await tenant.addUser('agent');
    await testApp.http().get('/api/v1/settings/email').auth(agent.token, { type: 'bearer' }).expect(403);
    await testApp
      .http()
      .put('/api/v1/settings/email/incoming')
      .auth(agent.token, { type: 'bearer' })
      .send(incoming())
      .expect(403);
  });

  it('refuses the cloud metadata address even when private hosts are allowed', async () => {
    const saved = await api.put('incoming', incoming({ host: '169.254.169.254' }));
    expect(saved.status).toBe(400);
    expect(saved.body).toMatchObject({ code: 'MAIL_HOST_BLOCKED', details: [{ field: 'host', reason: 'blocked' }] });
    const tested = await api.post('incoming/test', incoming({ host: '169.254.169.254' }));
    expect(tested.status).toBe(200);
    expect(tested.body).toMatchObject({ ok: false, reason: 'blocked', message: expect.stringMatching(/metadata/) });
  });
});

describe('email settings under the strict outbound policy', () => {
  let testApp: TestApp;
  let api: ReturnType<typeof settingsApi>;

  beforeAll(async () => {
    testApp = await startTestApp({ MAIL_ALLOW_PRIVATE_HOSTS: 'false', MAIL_ALLOWED_HOSTS: 'localhost, 10.9.0.0/16' });
    api = settingsApi(testApp, await createTenant(testApp));
  });
  afterAll(() => testApp?.close());

  it.each([{ name: '127.0.0.1' }, { name: '192.168.1.10' }, { name: '::1' }, { name: '169.254.169.254' }])(
    'refuses to save or test $name',
    async ({ name }) => {
      const saved = await api.put('incoming', incoming({ host: name }));
      expect(saved.status).toBe(400);
      expect(saved.body).toMatchObject({
        code: 'MAIL_HOST_BLOCKED',
        details: [{ field: 'host', reason: 'blocked', messages: [expect.stringContaining(name)] }],
      });
      const tested = await api.post('incoming/test', incoming({ host: name }));
      expect(tested.status).toBe(200);
      expect(tested.body).toEqual({
        ok: false,
        reason: 'blocked',
        message: expect.any(String),
        hint: expect.stringContaining('MAIL_ALLOW_PRIVATE_HOSTS'),
      });
      expect(
        (await api.put('outgoing', outgoing({ host: name, authentication: 'none', fromAddress: 'a@example.test' })))
          .body.code,
      ).toBe('MAIL_HOST_BLOCKED');
    },
  );

  it('allows what MAIL_ALLOWED_HOSTS lists', async () => {
    expect((await api.put('incoming', incoming({ host: 'localhost' }))).status).toBe(200);
    expect((await api.put('incoming', incoming({ host: '10.9.8.7' }))).status).toBe(200);
    expect((await api.put('incoming', incoming({ host: '10.10.0.1' }))).status).toBe(400);
  });
});
