import { startMailSystem, type MailSystem } from './harness/mail-system';
import { startOAuthServer, type TestOAuthServer } from './harness/oauth-server';
import { eventually, makeMessage } from './support/messages';
import { openOAuthDesk, PUBLIC_URL, useOAuthMailbox, type OAuthDesk } from './support/oauth-desk';
import { pushReaches } from './support/push';
import { startTestApp, type TestApp } from './support/test-app';

const ACCOUNT = 'support@contoso.test';

describe('the OAuth2 grant of a mailbox: push, disconnect, settings', () => {
  let oauth: TestOAuthServer;
  let mail: MailSystem;
  let testApp: TestApp;
  let desk: OAuthDesk;

  beforeAll(async () => {
    oauth = await startOAuthServer({ account: ACCOUNT });
    mail = await startMailSystem({ oauth2: { introspectionUrl: oauth.introspectionEndpoint } });
    await mail.dovecot.addUser(ACCOUNT, 'harness-only');
    testApp = await startTestApp({ MAIL_ALLOW_PRIVATE_HOSTS: 'true', PUBLIC_URL, PUSH_ENABLED: 'true' });
    desk = await openOAuthDesk(testApp, oauth);
  });

  afterAll(async () => {
    await testApp?.close();
    await mail?.close();
    await oauth?.close();
  });

  const putIncoming = (body: Record<string, unknown>) =>
    testApp.http().put('/api/v1/settings/email/incoming').set(desk.auth).send(body);
  const server = () => ({ host: mail.dovecot.host, port: mail.dovecot.imapPort, security: 'none' });

  it('refuses OAuth2 settings it cannot use, each field named', async () => {
    const unconnected = await putIncoming({ auth: 'oauth2', ...server() });
    expect(unconnected.status).toBe(400);
    expect(unconnected.body.details).toEqual([
      { field: 'username', messages: [expect.stringContaining('Connect the mailbox first')] },
    ]);

    expect((await desk.connect()).status).toBe(200);
    const withPassword = await putIncoming({ auth: 'oauth2', ...server(), password: 'not-used' });
    expect(withPassword.status).toBe(400);
    expect(withPassword.body.details).toEqual([{ field: 'password', messages: [expect.stringContaining('oauth2')] }]);
    // A custom provider has no preset servers.
    const noHost = await putIncoming({ auth: 'oauth2', port: 143, security: 'none' });
    expect(noHost.status).toBe(400);
    expect(noHost.body.details).toEqual([{ field: 'host', messages: [expect.stringContaining('required')] }]);
    const noUser = await putIncoming({ ...server(), password: 'secret' });
    expect(noUser.status).toBe(400);
    expect(noUser.body.details).toEqual([{ field: 'username', messages: [expect.stringContaining('required')] }]);
  });

  it('takes the connected account as the username, or a shared mailbox given instead', async () => {
    const shared = await putIncoming({ auth: 'oauth2', ...server(), username: 'helpdesk@contoso.test' });
    expect(shared.status).toBe(200);
    expect(shared.body).toMatchObject({ auth: 'oauth2', username: 'helpdesk@contoso.test', passwordSet: false });
    // Back to a password: one must be given, the OAuth2 account had none to keep.
    const passwordless = await putIncoming({ ...server(), username: ACCOUNT });
    expect(passwordless.status).toBe(400);
    expect(passwordless.body.details).toEqual([{ field: 'password', messages: [expect.any(String)] }]);

    await useOAuthMailbox(testApp, desk, mail);
    expect((await desk.settings()).incoming).toMatchObject({ auth: 'oauth2', username: ACCOUNT });
  });

  it('push connects over OAuth2, waits in error while the grant needs a reconnect, and is back after it', async () => {
    await desk.desk.start({ from: 'current-date' });
    await pushReaches(desk.desk, 'idle');
    // How fast new mail shows up depends on Dovecot's change notification, which is not what is tested here.
    expect(await mail.dovecot.loginMethods(ACCOUNT)).toContain('OAUTHBEARER');

    // The catch-up run push started is over, so the run below logs in anew.
    await eventually(async () => !(await desk.desk.status()).syncing);
    oauth.revokeGrants(ACCOUNT);
    // The live connection stays logged in; the next login (a run) meets the revoked grant.
    const failed = await desk.desk.syncNow();
    expect(failed.error).toMatchObject({ class: 'auth' });
    // Disconnecting and reconnecting push (a settings change) finds no token: it waits in error.
    await testApp.http().put('/api/v1/sync/push').set(desk.auth).send({ enabled: false }).expect(200);
    await testApp.http().put('/api/v1/sync/push').set(desk.auth).send({ enabled: true }).expect(200);
    const waiting = await pushReaches(desk.desk, 'error');
    expect(waiting.error).toMatchObject({ class: 'auth', message: expect.stringContaining('Reconnect the mailbox') });
    const logins = await mail.dovecot.logins(ACCOUNT);
    const requests = oauth.counters.tokenRequests.refresh_token;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await mail.dovecot.logins(ACCOUNT)).toEqual(logins);
    expect(oauth.counters.tokenRequests.refresh_token).toBe(requests);
    expect((await desk.desk.status()).push.state).toBe('error');

    expect((await desk.connect()).status).toBe(200);
    await pushReaches(desk.desk, 'idle');
    expect((await mail.dovecot.logins(ACCOUNT)).succeeded).toBeGreaterThan(logins.succeeded);
  });

  it('disconnecting stops a run that logs in with the tokens, with the reason', async () => {
    await testApp.http().put('/api/v1/sync/push').set(desk.auth).send({ enabled: false }).expect(200);
    const before = (await desk.desk.status()).totals.tickets as number;
    await mail.dovecot.appendMany(
      ACCOUNT,
      Array.from({ length: 400 }, (_, i) => makeMessage({ to: ACCOUNT, subject: `Bulk ${i}` })),
    );
    const { finished } = await desk.desk.syncNowUnderway();
    await testApp.http().delete('/api/v1/settings/email/oauth').set(desk.auth).expect(200);
    const { body } = await finished;
    expect(body.run.status).toBe('failed');
    expect(body.run.error).toMatchObject({ class: 'auth', message: expect.stringContaining('disconnected') });
    expect(body.run.fetched).toBeLessThan(400);
    // What it committed is kept; the rest waits above the watermark for the reconnect.
    expect((await desk.settings()).oauth).toBeNull();
    expect((await desk.desk.syncNow()).error).toMatchObject({ class: 'auth' });
    expect((await desk.connect()).status).toBe(200);
    // The reconnect starts a run: every bulk message becomes a ticket, none twice.
    await eventually(async () => (await desk.desk.status()).totals.tickets >= before + 400, 60_000);
    await desk.desk.syncNow();
    expect((await desk.desk.status()).totals.tickets).toBe(before + 400);
  });
});
