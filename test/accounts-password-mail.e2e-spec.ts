import { simpleParser } from 'mailparser';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { startSmtpServer, type ReceivedMessage, type TestSmtpServer } from './harness/smtp-server';
import { startTestApp, TestApp } from './support/test-app';
import { createTenant, login, TestTenant } from './support/tenants';

const PUBLIC_URL = 'https://help.example.test';

/** Reset links and invitations, mailed through SYSTEM_SMTP_URL to a real SMTP server (STARTTLS). */
describe('accounts: password mail (HTTP, real SMTP server, real database)', () => {
  let smtp: TestSmtpServer;
  let testApp: TestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    testApp = await startTestApp({
      PUBLIC_URL,
      SYSTEM_SMTP_URL: `smtp://127.0.0.1:${smtp.port}?verify=false&from=accounts@platform.test`,
    });
    tenant = await createTenant(testApp);
  });
  afterAll(async () => {
    await testApp.close();
    await smtp.close();
  });

  const sentTo = (address: string) => (message: ReceivedMessage) => message.envelope.to.includes(address);
  const requestReset = (email: string) => testApp.http().post('/api/v1/auth/password-reset').send({ email });
  const confirm = (token: string, newPassword: string) =>
    testApp.http().post('/api/v1/auth/password-reset/confirm').send({ token, newPassword });

  /** The link in the mail as the recipient reads it (decoded), and its token. */
  async function linkIn(message: ReceivedMessage, page: string): Promise<{ link: string; token: string }> {
    const text = (await simpleParser(message.raw)).text ?? '';
    const match = text.match(new RegExp(`(${PUBLIC_URL}/${page}\\?token=([A-Za-z0-9_-]+))`));
    if (!match) throw new Error(`No ${page} link in: ${text}`);
    return { link: match[1], token: match[2] };
  }

  /** A reset mail to `email` that arrived after the `before` messages already received. */
  async function nextResetMail(email: string, before = smtp.messages.length): Promise<ReceivedMessage> {
    return smtp.waitFor((message) => smtp.messages.indexOf(message) >= before && sentTo(email)(message));
  }

  it('mails a single-use reset link that sets a new password and ends the old sessions', async () => {
    const agent = await tenant.addUser('agent');
    const before = smtp.messages.length;
    const accepted = await requestReset(agent.email.toUpperCase()).expect(202);
    expect(accepted.body).toEqual({});
    const mail = await nextResetMail(agent.email, before);
    expect(mail.secure).toBe(true);
    expect(mail.envelope.from).toBe('accounts@platform.test');
    const parsed = await simpleParser(mail.raw);
    expect(parsed.subject).toBe('Reset your helpdesk password');
    const { token } = await linkIn(mail, 'reset-password');

    // The policy holds here too, and a refused password does not use the link up.
    const weak = await confirm(token, 'password1234').expect(400);
    expect(weak.body.code).toBe('PASSWORD_POLICY');
    await confirm(token, 'reset phrase of my own').expect(204);
    await testApp.http().get('/api/v1/me').auth(agent.token, { type: 'bearer' }).expect(401);
    await login(testApp, agent.email, 'reset phrase of my own');
    await testApp.http().post('/api/v1/auth/login').send({ email: agent.email, password: agent.password }).expect(401);

    const reused = await confirm(token, 'another phrase of mine').expect(400);
    expect(reused.body).toMatchObject({ statusCode: 400, code: 'PASSWORD_LINK_INVALID' });
    await login(testApp, agent.email, 'reset phrase of my own');
  });

  it('answers 202 for an unknown address and sends nothing', async () => {
    const agent = await tenant.addUser('agent');
    const before = smtp.messages.length;
    const unknown = await requestReset('nobody-here@tenant.test').expect(202);
    const known = await requestReset(agent.email).expect(202);
    expect(unknown.body).toEqual(known.body);
    // The known address's mail arrives; none was ever addressed to the unknown one.
    await nextResetMail(agent.email, before);
    expect(smtp.messages.filter(sentTo('nobody-here@tenant.test'))).toEqual([]);
  });

  it('refuses an expired link and a made-up one', async () => {
    const agent = await tenant.addUser('agent');
    const before = smtp.messages.length;
    await requestReset(agent.email).expect(202);
    const { token } = await linkIn(await nextResetMail(agent.email, before), 'reset-password');
    // Half an hour later, as the database sees it.
    const hash = createHash('sha256').update(token).digest('hex');
    const dataSource = testApp.app.get(DataSource);
    const [sql, parameters] = dataSource.driver.escapeQueryWithParameters(
      'UPDATE "password_tokens" SET "expires_at" = :past WHERE "token_hash" = :hash',
      { past: new Date(Date.now() - 1000), hash },
    );
    await dataSource.query(sql, parameters);
    const expired = await confirm(token, 'too late for this phrase').expect(400);
    expect(expired.body.code).toBe('PASSWORD_LINK_INVALID');
    const madeUp = await confirm('x'.repeat(43), 'made up link phrase').expect(400);
    expect(madeUp.body.code).toBe('PASSWORD_LINK_INVALID');
    await login(testApp, agent.email, agent.password);
  });

  it('lets an admin mail a reset link to a user of their own organization only', async () => {
    const agent = await tenant.addUser('agent');
    const before = smtp.messages.length;
    const sent = await testApp
      .http()
      .post(`/api/v1/users/${agent.id}/password-reset`)
      .auth(tenant.admin.token, { type: 'bearer' })
      .send({})
      .expect(202);
    const minutes = (Date.parse(sent.body.expiresAt) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(25);
    expect(minutes).toBeLessThanOrEqual(30);
    const { token } = await linkIn(await nextResetMail(agent.email, before), 'reset-password');
    await confirm(token, 'chosen after the admin link').expect(204);
    await login(testApp, agent.email, 'chosen after the admin link');

    const stranger = await (await createTenant(testApp)).addUser('agent');
    await testApp
      .http()
      .post(`/api/v1/users/${stranger.id}/password-reset`)
      .auth(tenant.admin.token, { type: 'bearer' })
      .send({})
      .expect(404);
    expect(smtp.messages.filter(sentTo(stranger.email))).toEqual([]);
  });

  it('invites a user created without a password to choose their own', async () => {
    const email = `invitee-${Date.now()}@tenant.test`;
    const before = smtp.messages.length;
    const created = await testApp
      .http()
      .post('/api/v1/users')
      .auth(tenant.admin.token, { type: 'bearer' })
      .send({ email, name: 'Ivy Invitee', role: 'agent' })
      .expect(201);
    const days = (Date.parse(created.body.invitationExpiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);
    const mail = await smtp.waitFor((message) => smtp.messages.indexOf(message) >= before && sentTo(email)(message));
    expect((await simpleParser(mail.raw)).subject).toBe('You have been invited to the helpdesk');
    const { token } = await linkIn(mail, 'accept-invitation');
    // Until then no password signs in.
    await testApp.http().post('/api/v1/auth/login').send({ email, password: 'anything at all here' }).expect(401);
    await confirm(token, 'ivy chose this phrase').expect(204);
    const token2 = await login(testApp, email, 'ivy chose this phrase');
    const me = await testApp.http().get('/api/v1/me').auth(token2, { type: 'bearer' }).expect(200);
    expect(me.body).toMatchObject({ email, role: 'agent', organization: { id: tenant.organizationId } });
    await confirm(token, 'and once more please').expect(400);
  });

  it('says so (503) when the platform mail server cannot take the link', async () => {
    const agent = await tenant.addUser('agent');
    smtp.rejectWith = { code: 550, message: 'Relaying denied' };
    try {
      const failed = await testApp
        .http()
        .post(`/api/v1/users/${agent.id}/password-reset`)
        .auth(tenant.admin.token, { type: 'bearer' })
        .send({})
        .expect(503);
      expect(failed.body).toMatchObject({
        code: 'SYSTEM_MAIL_FAILED',
        message: expect.stringContaining('Relaying denied'),
      });
      const invited = await testApp
        .http()
        .post('/api/v1/users')
        .auth(tenant.admin.token, { type: 'bearer' })
        .send({ email: `unlucky-${Date.now()}@tenant.test`, name: 'Unlucky', role: 'agent' })
        .expect(503);
      expect(invited.body).toMatchObject({ code: 'SYSTEM_MAIL_FAILED', details: { userId: expect.any(String) } });
      // "Forgot password" still answers 202: the failure is logged, not told to whoever asked.
      await requestReset(agent.email).expect(202);
    } finally {
      smtp.rejectWith = null;
    }
  });
});
