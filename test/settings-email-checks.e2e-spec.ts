import { freePort } from './harness/free-port';
import { startMailSystem, type MailSystem } from './harness/mail-system';
import { startSmtpServer, type TestSmtpServer } from './harness/smtp-server';
import { startTestApp, type TestApp } from './support/test-app';
import { createTenant, type TestTenant } from './support/tenants';

/**
 * The settings page's test buttons against a real Dovecot and a real SMTP server that delivers into it,
 * through HTTP on the real app. Failed logins come last (see dovecot-config.ts on Dovecot's penalties).
 */
const SUPPORT = { user: 'support', password: 'support-secret', address: 'support@example.test' };
/** A second account the SMTP server accepts, to tell own outgoing credentials from the incoming ones. */
const MAILER = { user: 'mailer', password: 'mailer-secret' };

describe('email settings checks against real IMAP and SMTP servers', () => {
  let mail: MailSystem;
  let testApp: TestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    [mail, testApp] = await Promise.all([
      startMailSystem({ users: [{ user: SUPPORT.user, password: SUPPORT.password }, MAILER] }),
      startTestApp({
        MAIL_ALLOW_PRIVATE_HOSTS: 'true',
        MAIL_CONNECT_TIMEOUT_MS: '3000',
        MAIL_VERIFY_TIMEOUT_MS: '1500',
      }),
    ]);
    tenant = await createTenant(testApp);
  });
  afterAll(async () => {
    await testApp?.close();
    await mail?.close();
  });

  const post = (path: string, body?: object, token = tenant.admin.token) => {
    const request = testApp.http().post(`/api/v1/settings/email/${path}`).auth(token, { type: 'bearer' });
    return body === undefined ? request : request.send(body);
  };
  const put = (path: string, body: object, token = tenant.admin.token) =>
    testApp.http().put(`/api/v1/settings/email/${path}`).auth(token, { type: 'bearer' }).send(body);

  const incoming = (overrides: Record<string, unknown> = {}) => ({
    host: mail.dovecot.host,
    port: mail.dovecot.imapPort,
    security: 'none',
    username: SUPPORT.user,
    password: SUPPORT.password,
    verifyCertificate: false,
    address: SUPPORT.address,
    ...overrides,
  });
  const outgoing = (overrides: Record<string, unknown> = {}) => ({
    host: mail.smtp.host,
    port: mail.smtp.port,
    security: 'starttls',
    verifyCertificate: false,
    fromName: 'Example Support',
    ...overrides,
  });

  describe('incoming test', () => {
    it.each([
      { name: 'none', security: 'none', port: 'imapPort' },
      { name: 'starttls', security: 'starttls', port: 'imapPort' },
      { name: 'tls', security: 'tls', port: 'imapsPort' },
    ] as const)('is ok with security $name (unsaved settings)', async ({ security, port }) => {
      const response = await post('incoming/test', incoming({ security, port: mail.dovecot[port] })).expect(200);
      expect(response.body).toEqual({
        ok: true,
        folder: 'INBOX',
        messages: expect.any(Number),
        uidValidity: expect.stringMatching(/^\d+$/),
      });
    });

    it('tests the saved settings without a body, and unsaved ones with the saved password', async () => {
      await put('incoming', incoming({ security: 'tls', port: mail.dovecot.imapsPort })).expect(200);
      await expect(post('incoming/test').expect(200)).resolves.toMatchObject({ body: { ok: true, folder: 'INBOX' } });
      const { password: _omitted, ...withoutPassword } = incoming({ security: 'tls', port: mail.dovecot.imapsPort });
      await expect(post('incoming/test', { ...withoutPassword, folder: 'INBOX' }).expect(200)).resolves.toMatchObject({
        body: { ok: true },
      });
    });

    it('asks for the password again when port, security or certificate checking change', async () => {
      const { password: _omitted, ...saved } = incoming({ security: 'tls', port: mail.dovecot.imapsPort });
      for (const change of [
        { security: 'starttls', port: mail.dovecot.imapPort },
        { port: await freePort() },
        { verifyCertificate: true },
      ]) {
        const response = await post('incoming/test', { ...saved, ...change }).expect(400);
        expect(response.body.details).toEqual([{ field: 'password', messages: [expect.stringMatching(/required/)] }]);
      }
    });

    it('refuses to send the saved password to another host', async () => {
      const { password: _omitted, ...elsewhere } = incoming({ host: 'localhost' });
      const response = await post('incoming/test', elsewhere).expect(400);
      expect(response.body.details).toEqual([{ field: 'password', messages: [expect.stringMatching(/required/)] }]);
    });

    it('reports a closed port as refused', async () => {
      const response = await post('incoming/test', incoming({ port: await freePort() })).expect(200);
      expect(response.body).toEqual({
        ok: false,
        reason: 'refused',
        message: expect.any(String),
        hint: expect.any(String),
      });
    });

    it('reports an unknown folder as folder', async () => {
      const response = await post('incoming/test', incoming({ folder: 'No Such Folder' })).expect(200);
      expect(response.body).toMatchObject({ ok: false, reason: 'folder', hint: expect.stringMatching(/folder/) });
    });

    it('reports TLS to the plain port as tls', async () => {
      const response = await post('incoming/test', incoming({ security: 'tls' })).expect(200);
      expect(response.body).toMatchObject({ ok: false, reason: 'tls' });
    });

    it.each([
      { name: 'tls', security: 'tls', port: 'imapsPort' },
      { name: 'starttls', security: 'starttls', port: 'imapPort' },
    ] as const)(
      'reports the self-signed certificate over $name as certificate when verifying',
      async ({ security, port }) => {
        const settings = incoming({ security, port: mail.dovecot[port], verifyCertificate: true });
        const response = await post('incoming/test', settings).expect(200);
        expect(response.body).toMatchObject({
          ok: false,
          reason: 'certificate',
          hint: expect.stringMatching(/verification/),
        });
      },
    );
  });

  describe('outgoing test and round trip', () => {
    beforeAll(async () => {
      await put('incoming', incoming()).expect(200);
      await put('outgoing', outgoing()).expect(200);
    });

    it('sends a real message, logging in to SMTP with the incoming credentials', async () => {
      const response = await post('outgoing/test', { to: 'customer@example.test' }).expect(200);
      expect(response.body).toEqual({ ok: true, messageId: expect.stringMatching(/^<.+@.+>$/) });
      const received = await mail.smtp.waitFor((m) => m.raw.toString().includes(response.body.messageId));
      expect(received).toMatchObject({
        authUser: SUPPORT.user,
        secure: true,
        envelope: { from: SUPPORT.address, to: ['customer@example.test'] },
      });
      expect(received.raw.toString()).toMatch(/^From: Example Support <support@example\.test>\r$/m);
      // Tagged like the probe, so a test sent to the support address itself never becomes a ticket.
      expect(received.raw.toString()).toMatch(/^X-Helpdesk-Verify: test /m);
    });

    it('logs in with its own credentials when told not to use the incoming ones', async () => {
      const own = outgoing({ useIncomingCredentials: false, username: MAILER.user, password: MAILER.password });
      await put('outgoing', own).expect(200);
      const response = await post('outgoing/test', { to: 'customer@example.test' }).expect(200);
      expect(response.body.ok).toBe(true);
      const received = await mail.smtp.waitFor((m) => m.raw.toString().includes(response.body.messageId));
      expect(received.authUser).toBe(MAILER.user);
      await put('outgoing', outgoing()).expect(200);
    });

    it('verifies the round trip: the probe is found in the incoming mailbox', async () => {
      const response = await post('verify').expect(200);
      expect(response.body).toEqual({ ok: true, roundTripMs: expect.any(Number), address: SUPPORT.address });
      const inbox = await mail.dovecot.list(SUPPORT.user);
      const probes = inbox.filter((message) => /^X-Helpdesk-Verify: [0-9a-f-]{36}\r$/m.test(message.source.toString()));
      expect(probes.length).toBeGreaterThanOrEqual(1);
      expect(probes[0].source.toString()).toMatch(/^Auto-Submitted: auto-generated\r$/m);
    });

    it('reports the send stage when the SMTP server is down', async () => {
      await mail.smtp.stop();
      try {
        const response = await post('verify').expect(200);
        expect(response.body).toMatchObject({ ok: false, stage: 'send', reason: 'refused', address: SUPPORT.address });
        expect((await post('outgoing/test', { to: 'customer@example.test' }).expect(200)).body).toMatchObject({
          ok: false,
          reason: 'refused',
        });
      } finally {
        await mail.smtp.start();
      }
    });

    describe('with an anonymous relay that delivers nowhere', () => {
      let relay: TestSmtpServer;
      beforeAll(async () => {
        relay = await startSmtpServer({ tls: 'none', auth: 'none' });
        await put('outgoing', outgoing({ port: relay.port, security: 'none', authentication: 'none' })).expect(200);
      });
      afterAll(async () => {
        await put('outgoing', outgoing()).expect(200);
        await relay?.close();
      });

      it('sends without AUTH when authentication is none', async () => {
        await post('outgoing/test', { to: 'customer@example.test' }).expect(200);
        expect(relay.messages.at(-1)).toMatchObject({ authUser: null, envelope: { to: ['customer@example.test'] } });
      });

      it('reports the receive stage when the probe never arrives', async () => {
        const response = await post('verify').expect(200);
        expect(response.body).toEqual({
          ok: false,
          stage: 'receive',
          reason: 'timeout',
          message: expect.stringMatching(/did not arrive in INBOX of support@example\.test within/),
          hint: expect.stringMatching(/spam/),
          address: SUPPORT.address,
        });
      });
    });
  });

  describe('another organization', () => {
    it('can neither read nor test these settings', async () => {
      const other = await createTenant(testApp);
      const read = await testApp
        .http()
        .get('/api/v1/settings/email')
        .auth(other.admin.token, { type: 'bearer' })
        .expect(200);
      expect(read.body).toEqual({ incoming: null, outgoing: null, oauth: null });
      for (const [path, body] of [
        ['incoming/test', undefined],
        ['outgoing/test', { to: 'x@example.test' }],
        ['verify', undefined],
      ] as const) {
        const response = await post(path, body, other.admin.token).expect(404);
        expect(response.body).toMatchObject({ code: 'NOT_FOUND' });
      }
      expect(mail.smtp.messages.filter((m) => m.envelope.to.includes('x@example.test'))).toEqual([]);
    });
  });

  // Last: failed logins are what mail servers slow down or lock out.
  describe('wrong password', () => {
    it('reports auth for IMAP, with the app-password hint', async () => {
      const response = await post('incoming/test', incoming({ password: 'wrong-password' })).expect(200);
      expect(response.body).toMatchObject({ ok: false, reason: 'auth', hint: expect.stringMatching(/app password/) });
    });

    it('reports auth for SMTP and for the round trip when the incoming password is wrong', async () => {
      await put('incoming', incoming({ password: 'wrong-password' })).expect(200);
      await put('outgoing', outgoing()).expect(200);
      expect((await post('outgoing/test', { to: 'customer@example.test' }).expect(200)).body).toMatchObject({
        ok: false,
        reason: 'auth',
      });
      expect((await post('verify').expect(200)).body).toMatchObject({ ok: false, stage: 'receive', reason: 'auth' });
    });
  });
});
