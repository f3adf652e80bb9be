import { DataSource } from 'typeorm';
import { startMailSystem, type MailSystem } from './harness/mail-system';
import { startSmtpServer, type TestSmtpServer } from './harness/smtp-server';
import { startTestApp, type TestApp } from './support/test-app';
import { createTenant, type TestTenant } from './support/tenants';

/**
 * Where the stored mailbox password may travel. A hostile SMTP server on loopback (reached as "localhost",
 * while the IMAP host is 127.0.0.1) takes any login in clear text and records it: the mailbox password must
 * never reach it, however the outgoing settings were saved.
 */
const SUPPORT = { user: 'support', password: 'mailbox-secret-never-elsewhere', address: 'support@example.test' };

describe('the stored mailbox password goes only to its own server', () => {
  let mail: MailSystem;
  let hostile: TestSmtpServer;
  let testApp: TestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    [mail, hostile, testApp] = await Promise.all([
      startMailSystem({ users: [{ user: SUPPORT.user, password: SUPPORT.password }] }),
      startSmtpServer({ tls: 'none', auth: 'optional' }),
      startTestApp({ MAIL_ALLOW_PRIVATE_HOSTS: 'true', MAIL_CONNECT_TIMEOUT_MS: '3000' }),
    ]);
    tenant = await createTenant(testApp);
    await put('incoming', {
      host: mail.dovecot.host,
      port: mail.dovecot.imapPort,
      security: 'none',
      username: SUPPORT.user,
      password: SUPPORT.password,
      verifyCertificate: false,
      address: SUPPORT.address,
    }).expect(200);
  });
  afterAll(async () => {
    await testApp?.close();
    await hostile?.close();
    await mail?.close();
  });

  const post = (path: string, body?: object) => {
    const request = testApp.http().post(`/api/v1/settings/email/${path}`).auth(tenant.admin.token, { type: 'bearer' });
    return body === undefined ? request : request.send(body);
  };
  const put = (path: string, body: object) =>
    testApp.http().put(`/api/v1/settings/email/${path}`).auth(tenant.admin.token, { type: 'bearer' }).send(body);
  const toHostile = { host: 'localhost', port: 0, security: 'none', verifyCertificate: false };
  const sentPasswords = () => hostile.authAttempts.map((attempt) => attempt.password);

  it('logs in to the incoming host with the incoming password (same host: the happy path)', async () => {
    const saved = { host: mail.smtp.host, port: mail.smtp.port, security: 'starttls', verifyCertificate: false };
    await put('outgoing', saved).expect(200);
    const response = await post('outgoing/test', { to: 'customer@example.test' }).expect(200);
    expect(response.body).toMatchObject({ ok: true });
    expect(mail.smtp.authAttempts.at(-1)).toMatchObject({ username: SUPPORT.user, accepted: true });
  });

  it('refuses to save another SMTP host with the incoming credentials', async () => {
    const response = await put('outgoing', { ...toHostile, port: hostile.port }).expect(400);
    expect(response.body.details).toEqual([{ field: 'useIncomingCredentials', messages: [expect.any(String)] }]);
    expect(hostile.authAttempts).toEqual([]);
  });

  it('sends only the outgoing password to another SMTP host', async () => {
    const own = { ...toHostile, port: hostile.port, useIncomingCredentials: false, username: 'mailer' };
    await put('outgoing', { ...own, password: 'smtp-only-secret' }).expect(200);
    await post('outgoing/test', { to: 'customer@example.test' }).expect(200);
    expect(sentPasswords()).toEqual(['smtp-only-secret']);
  });

  it('never sends it through settings saved before the rule pointed elsewhere', async () => {
    // What an older version let an admin store: the SMTP host moved, the incoming credentials kept.
    await testApp.app
      .get(DataSource)
      .createQueryBuilder()
      .update('email_outgoing_settings')
      .set({ useIncomingCredentials: true, username: null, passwordSealed: null, port: hostile.port })
      .where('organization_id = :id', { id: tenant.organizationId })
      .execute();
    const test = await post('outgoing/test', { to: 'customer@example.test' }).expect(409);
    expect(test.body).toMatchObject({ code: 'EMAIL_SETTINGS_INCOMPLETE', message: expect.stringMatching(/again/) });
    await post('verify').expect(409);
    expect(sentPasswords()).not.toContain(SUPPORT.password);
    expect(hostile.authAttempts.length).toBe(1);
  });
});
