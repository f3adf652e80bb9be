import { startDovecot, type DovecotServer } from './harness/dovecot';
import { startMailSystem, type MailSystem } from './harness/mail-system';
import { startOAuthServer, type TestOAuthServer } from './harness/oauth-server';
import { startSmtpServer, type TestSmtpServer } from './harness/smtp-server';
import { eventually, makeMessage } from './support/messages';
import { NOTIFY_ENV, notifications } from './support/notification-desk';
import { openOAuthDesk, PUBLIC_URL, useOAuthMailbox, type OAuthDesk } from './support/oauth-desk';
import { startTestApp, type TestApp } from './support/test-app';

const ACCOUNT = 'support@contoso.test';
// A generous connect timeout: a loaded machine must not turn a slow login into a refused one.
const ENV = {
  ...NOTIFY_ENV,
  MAIL_CONNECT_TIMEOUT_MS: '10000',
  PUBLIC_URL,
  SYNC_MIN_INTERVAL_SECONDS: '1',
  SYNC_MAX_BACKOFF_SECONDS: '1',
};

/** Every request the app made to the authorization server's token endpoint. */
function tokenRequests(oauth: TestOAuthServer): number {
  const { authorization_code, refresh_token, client_credentials } = oauth.counters.tokenRequests;
  return authorization_code + refresh_token + client_credentials;
}

describe('a mailbox connected with OAuth2, end to end', () => {
  let oauth: TestOAuthServer;
  let mail: MailSystem;
  let testApp: TestApp;
  let desk: OAuthDesk;
  let ackTicketId: string;

  // Each from a customer of its own, so every ticket gets its acknowledgment (no per-sender brake).
  const deliver = (subject: string, from = `${subject.toLowerCase().replace(/\W+/g, '-')}@customer.test`) =>
    mail.dovecot.append(ACCOUNT, makeMessage({ from, to: ACCOUNT, subject }));
  const incidents = async () =>
    (await testApp.http().get('/api/v1/alerts').set(desk.auth).expect(200)).body as Array<{
      kind: string;
      status: string;
    }>;
  const subjects = async () => (await desk.desk.tickets()).map((ticket) => ticket.subject).sort();
  // The acknowledgments are out, so a refresh counted afterwards is the sync's, not the sender's.
  const acknowledged = async () => {
    const tickets = (await desk.desk.tickets()).length;
    await eventually(
      async () =>
        (await notifications(testApp, desk)).filter((row) => row.kind === 'ticketReceived' && row.status === 'sent')
          .length === tickets,
    );
  };

  beforeAll(async () => {
    oauth = await startOAuthServer({ account: ACCOUNT });
    mail = await startMailSystem({ oauth2: { introspectionUrl: oauth.introspectionEndpoint } });
    await mail.dovecot.addUser(ACCOUNT, 'harness-only');
    testApp = await startTestApp(ENV);
    desk = await openOAuthDesk(testApp, oauth);
  });

  afterAll(async () => {
    await testApp?.close();
    await mail?.close();
    await oauth?.close();
  });

  it('connects through the browser flow; the settings show the account and never a token', async () => {
    const page = await desk.connect();
    expect(page.status).toBe(200);
    expect(page.text).toContain(ACCOUNT);
    await useOAuthMailbox(testApp, desk, mail);
    const settings = await desk.settings();
    expect(settings.incoming).toMatchObject({
      auth: 'oauth2',
      username: ACCOUNT,
      passwordSet: false,
      address: ACCOUNT,
    });
    expect(settings.outgoing).toMatchObject({ useIncomingCredentials: true, fromAddress: ACCOUNT });
    expect(settings.oauth).toMatchObject({
      provider: 'custom',
      account: ACCOUNT,
      status: 'connected',
      lastError: null,
    });
    expect(JSON.stringify(settings)).not.toMatch(/\b(at|rt)_/);
  });

  it('syncs mail into tickets over OAuth2 and sends the acknowledgment over SMTP XOAUTH2', async () => {
    await desk.desk.start({ from: 'current-date' });
    await desk.desk.syncNow();
    await deliver('Printer on fire', 'Carol <carol@customer.test>');
    const run = await desk.desk.syncNow();
    expect(run).toMatchObject({ status: 'succeeded', tickets: 1 });
    expect(await mail.dovecot.loginMethods(ACCOUNT)).toContain('OAUTHBEARER');
    const ack = await eventually(async () =>
      mail.smtp.messages.find((message) => message.envelope.to.includes('carol@customer.test')),
    );
    expect(ack.authUser).toBe(ACCOUNT);
    expect(mail.smtp.authAttempts.at(-1)).toMatchObject({ method: 'XOAUTH2', username: ACCOUNT, accepted: true });
    ackTicketId = (await desk.desk.tickets())[0].id;
  });

  it('refreshes an access token the server no longer accepts, and keeps the rotated refresh token', async () => {
    await acknowledged();
    const before = oauth.counters;
    oauth.expireAccessTokens();
    await deliver('Scanner jammed');
    expect(await desk.desk.syncNow()).toMatchObject({ status: 'succeeded', tickets: 1 });
    expect(oauth.counters.tokenRequests.refresh_token).toBe(before.tokenRequests.refresh_token + 1);

    // Refreshing again works only with the refresh token the last refresh returned: the spent one is invalid_grant.
    await acknowledged();
    oauth.expireAccessTokens();
    await deliver('Toner empty');
    expect(await desk.desk.syncNow()).toMatchObject({ status: 'succeeded', tickets: 1 });
    expect(oauth.counters).toMatchObject({
      tokenRequests: { refresh_token: before.tokenRequests.refresh_token + 2 },
      invalidGrants: before.invalidGrants,
      reusedRefreshTokens: 0,
    });
    expect((await desk.settings()).oauth).toMatchObject({ status: 'connected', lastRefreshAt: expect.any(String) });
    await acknowledged();
  });

  it('a revoked grant needs a reconnect: the run says so, nothing hammers the provider, replies wait queued', async () => {
    await testApp.http().put('/api/v1/sync/interval').set(desk.auth).send({ seconds: 1 }).expect(200);
    oauth.revokeGrants(ACCOUNT);
    await deliver('Arrived while disconnected');

    const run = await desk.desk.syncNow();
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ class: 'auth', message: expect.stringContaining('Reconnect the mailbox') });
    expect((await desk.settings()).oauth).toMatchObject({ status: 'needs-reauth' });
    expect(await incidents()).toContainEqual(expect.objectContaining({ kind: 'needs-reauth', status: 'open' }));

    await testApp
      .http()
      .post(`/api/v1/tickets/${ackTicketId}/comments`)
      .set(desk.auth)
      .send({ body: 'We sent a technician.' })
      .expect(201);
    const requests = tokenRequests(oauth);
    const logins = await mail.dovecot.logins(ACCOUNT);
    const runsBefore = (await desk.desk.runs()).length;
    // Several sync intervals and many sender rounds go by.
    await new Promise((resolve) => setTimeout(resolve, 4_000));

    expect((await desk.desk.runs()).length).toBeGreaterThan(runsBefore + 1);
    expect(tokenRequests(oauth)).toBe(requests);
    expect(await mail.dovecot.logins(ACCOUNT)).toEqual(logins);
    const status = await desk.desk.status();
    expect(status.lastError).toMatchObject({ class: 'auth' });
    const reply = (await notifications(testApp, desk)).find((row) => row.kind === 'agentReplied');
    expect(reply).toMatchObject({ status: 'queued', attempts: 0 });
    expect(reply?.reason).toContain('Reconnect the mailbox');
  });

  it('reconnecting resumes from the watermark: what arrived meanwhile becomes a ticket, once, and replies go out', async () => {
    const page = await desk.connect();
    expect(page.status).toBe(200);
    expect((await desk.settings()).oauth).toMatchObject({ status: 'connected', lastError: null });
    await eventually(async () => (await subjects()).includes('Arrived while disconnected'));
    expect(await incidents()).toContainEqual(expect.objectContaining({ kind: 'needs-reauth', status: 'resolved' }));
    expect(await subjects()).toEqual([
      'Arrived while disconnected',
      'Printer on fire',
      'Scanner jammed',
      'Toner empty',
    ]);
    const reply = await eventually(async () =>
      (await notifications(testApp, desk)).find((row) => row.kind === 'agentReplied' && row.status === 'sent'),
    );
    // Attempts count failed sends: the wait for the reconnect spent none.
    expect(reply.attempts).toBe(0);
    expect((await desk.desk.status()).lastError).toBeNull();
    // Later runs find nothing new: no message became a second ticket.
    await desk.desk.syncNow();
    expect((await desk.desk.tickets()).length).toBe(4);
  });
});

describe('a Microsoft-like server offering XOAUTH2 only', () => {
  let oauth: TestOAuthServer;
  let dovecot: DovecotServer;
  let smtp: TestSmtpServer;
  let testApp: TestApp;
  let desk: OAuthDesk;

  beforeAll(async () => {
    oauth = await startOAuthServer({ account: ACCOUNT });
    dovecot = await startDovecot({
      users: [{ user: ACCOUNT, password: 'harness-only' }],
      oauth2: { introspectionUrl: oauth.introspectionEndpoint, mechanisms: ['xoauth2'] },
    });
    smtp = await startSmtpServer({
      auth: 'required',
      tls: 'starttls',
      deliverTo: dovecot,
      oauth2: { introspectionUrl: oauth.introspectionEndpoint },
    });
    testApp = await startTestApp(ENV);
    desk = await openOAuthDesk(testApp, oauth);
    expect((await desk.connect()).status).toBe(200);
    await useOAuthMailbox(testApp, desk, { dovecot, smtp, close: async () => undefined });
  });

  afterAll(async () => {
    await testApp?.close();
    await smtp?.close();
    await dovecot?.close();
    await oauth?.close();
  });

  it('the test button, a refreshed token and a sync all log in with XOAUTH2', async () => {
    const tested = await testApp.http().post('/api/v1/settings/email/incoming/test').set(desk.auth).send().expect(200);
    expect(tested.body).toMatchObject({ ok: true, folder: 'INBOX' });

    oauth.expireAccessTokens();
    const refreshes = oauth.counters.tokenRequests.refresh_token;
    const retested = await testApp.http().post('/api/v1/settings/email/incoming/test').set(desk.auth).send();
    expect(retested.body).toMatchObject({ ok: true });
    expect(oauth.counters.tokenRequests.refresh_token).toBe(refreshes + 1);

    await desk.desk.start({ from: 'current-date' });
    await desk.desk.syncNow();
    await dovecot.append(ACCOUNT, makeMessage({ to: ACCOUNT, subject: 'Laptop will not boot' }));
    expect(await desk.desk.syncNow()).toMatchObject({ status: 'succeeded', tickets: 1 });
    // The harness itself appends with a password (PLAIN); every login of the app was XOAUTH2.
    const methods = await dovecot.loginMethods(ACCOUNT);
    expect(methods).not.toContain('OAUTHBEARER');
    expect(methods.filter((method) => method === 'XOAUTH2').length).toBeGreaterThanOrEqual(3);
  });

  it('the outgoing test sends over XOAUTH2, once more with a refreshed token after a refusal', async () => {
    const send = () =>
      testApp.http().post('/api/v1/settings/email/outgoing/test').set(desk.auth).send({ to: 'carol@customer.test' });
    expect((await send()).body).toMatchObject({ ok: true });
    // The ticket's acknowledgment is out first, so the only refresh counted below is the test's.
    await eventually(async () => {
      const rows = await notifications(testApp, desk);
      return rows.length > 0 && rows.every((row) => row.status === 'sent');
    });
    oauth.expireAccessTokens();
    const refreshes = oauth.counters.tokenRequests.refresh_token;
    const attempts = smtp.authAttempts.length;
    expect((await send()).body).toMatchObject({ ok: true });
    expect(oauth.counters.tokenRequests.refresh_token).toBe(refreshes + 1);
    const tried = smtp.authAttempts.slice(attempts);
    expect(tried[0]).toMatchObject({ method: 'XOAUTH2', accepted: false });
    expect(tried.at(-1)).toMatchObject({ method: 'XOAUTH2', accepted: true });
  });
});
