import { startDovecot, type DovecotServer, type OAuth2Mechanism } from '../../test/harness/dovecot';
import { startMailSystem, type MailSystem } from '../../test/harness/mail-system';
import { startOAuthServer, type TestOAuthServer } from '../../test/harness/oauth-server';
import { LOOPBACK_CONNECT } from '../../test/support/imap-settings';
import { MailConnectionError } from '../common/net/mail-connection-error';
import type { ImapConnectionSettings } from '../mailbox/imap-settings';
import { ImapMailboxDriver } from '../mailbox/drivers/imap-mailbox.driver';
import { SmtpMailerDriver } from '../mailer/drivers/smtp-mailer.driver';
import type { SmtpConnectionSettings } from '../mailer/smtp-settings';
import { loginRejected, TOKEN_REFUSED_HINT, withFreshTokenRetry } from './fresh-token-retry';
import { MailboxGrantError } from './mailbox-grant-error';

const ACCOUNT = 'support@contoso.test';

/** A token source like the OAuth module's: counts the forced refreshes the retry asks for. */
function tokenSource(oauth: TestOAuthServer) {
  const source = {
    refreshes: 0,
    fresh: (): string => {
      source.refreshes += 1;
      return oauth.issueAccessToken({ account: ACCOUNT });
    },
  };
  return source;
}

describe.each([
  { name: 'OAUTHBEARER and XOAUTH2', mechanisms: ['oauthbearer', 'xoauth2'] as OAuth2Mechanism[], used: 'OAUTHBEARER' },
  { name: 'XOAUTH2 only (as Microsoft 365)', mechanisms: ['xoauth2'] as OAuth2Mechanism[], used: 'XOAUTH2' },
])('IMAP login with an access token, Dovecot offering $name', ({ mechanisms, used }) => {
  const driver = new ImapMailboxDriver();
  let oauth: TestOAuthServer;
  let dovecot: DovecotServer;

  beforeAll(async () => {
    oauth = await startOAuthServer({ account: ACCOUNT });
    dovecot = await startDovecot({
      users: [{ user: ACCOUNT, password: 'harness-only' }],
      oauth2: { introspectionUrl: oauth.introspectionEndpoint, mechanisms },
    });
    await dovecot.append(ACCOUNT, 'Subject: Printer on fire\r\n\r\nHelp\r\n');
    // The append's own (password) login, logged a moment later, must not count as the driver's.
    await dovecot.loginMethodsAtLeast(ACCOUNT, 1);
  });

  afterAll(async () => {
    await dovecot?.close();
    await oauth?.close();
  });

  const settings = (accessToken: string): ImapConnectionSettings => ({
    host: dovecot.host,
    port: dovecot.imapPort,
    security: 'none',
    username: ACCOUNT,
    accessToken,
    verifyCertificate: false,
    folder: 'INBOX',
  });

  it(`opens the mailbox with ${used}`, async () => {
    const before = (await dovecot.loginMethods(ACCOUNT)).length;
    await expect(driver.testConnection(settings(oauth.issueAccessToken()), LOOPBACK_CONNECT)).resolves.toMatchObject({
      messages: 1,
    });
    expect((await dovecot.loginMethodsAtLeast(ACCOUNT, before + 1)).slice(before)).toEqual([used]);
  });

  it('refreshes once after the server refused an expired token, and logs in with the new one', async () => {
    const stale = oauth.issueAccessToken();
    oauth.expireAccessTokens();
    const tokens = tokenSource(oauth);
    const refused = await driver.testConnection(settings(stale), LOOPBACK_CONNECT).catch((error: unknown) => error);
    expect(refused).toMatchObject({ reason: 'auth' });
    expect(loginRejected(refused)).toBe(true);

    const result = await withFreshTokenRetry(
      settings(stale),
      (current) => driver.testConnection(current, LOOPBACK_CONNECT),
      async () => settings(tokens.fresh()),
    );
    expect(result.messages).toBe(1);
    expect(tokens.refreshes).toBe(1);
  });

  it('gives up after one refresh when the new token is refused too', async () => {
    const tokens = tokenSource(oauth);
    const refused = withFreshTokenRetry(
      settings('at_not-a-token'),
      (current) => driver.testConnection(current, LOOPBACK_CONNECT),
      async () => settings(`${tokens.fresh()}-tampered`),
    );
    // What the admin sees: not the password hint, but what to check about the app and the account.
    await expect(refused).rejects.toMatchObject({ reason: 'auth', hint: TOKEN_REFUSED_HINT });
    expect(tokens.refreshes).toBe(1);
  });
});

describe('SMTP XOAUTH2 with an access token', () => {
  const driver = new SmtpMailerDriver();
  let oauth: TestOAuthServer;
  let mail: MailSystem;

  beforeAll(async () => {
    oauth = await startOAuthServer({ account: ACCOUNT });
    mail = await startMailSystem({ oauth2: { introspectionUrl: oauth.introspectionEndpoint } });
    await mail.dovecot.addUser('customer', 'customer-secret');
  });

  afterAll(async () => {
    await mail?.close();
    await oauth?.close();
  });

  const settings = (accessToken: string): SmtpConnectionSettings => ({
    host: mail.smtp.host,
    port: mail.smtp.port,
    security: 'starttls',
    auth: { user: ACCOUNT, accessToken },
    verifyCertificate: false,
  });
  const message = (subject: string) => ({
    from: { address: ACCOUNT },
    to: ['customer@localhost'],
    subject,
    text: 'We are on it.',
  });

  it('sends with XOAUTH2 and the message is delivered', async () => {
    await driver.send(settings(oauth.issueAccessToken()), message('Sent over XOAUTH2'), LOOPBACK_CONNECT);
    expect(mail.smtp.messages.at(-1)).toMatchObject({ authUser: ACCOUNT });
    expect(mail.smtp.authAttempts.at(-1)).toMatchObject({ method: 'XOAUTH2', accepted: true });
  });

  it('retries a refused token once with a refreshed one; the message goes out once', async () => {
    const stale = oauth.issueAccessToken();
    oauth.expireAccessTokens();
    const tokens = tokenSource(oauth);
    const sentBefore = mail.smtp.messages.length;
    const refused = await driver
      .send(settings(stale), message('Refused'), LOOPBACK_CONNECT)
      .catch((error: unknown) => error);
    // The server's 334 with an XOAUTH2 error, then 535: either way a refused login.
    expect(loginRejected(refused)).toBe(true);

    await withFreshTokenRetry(
      settings(stale),
      (current) => driver.send(current, message('After a refresh'), LOOPBACK_CONNECT),
      async () => settings(tokens.fresh()),
    );
    expect(tokens.refreshes).toBe(1);
    expect(mail.smtp.messages.length).toBe(sentBefore + 1);
    expect(mail.smtp.messages.at(-1)).toMatchObject({ authUser: ACCOUNT });
  });

  it('does not refresh for a password login, nor for a grant that needs reconnecting', async () => {
    let refreshes = 0;
    const password: SmtpConnectionSettings = { ...settings('x'), auth: { user: 'support', pass: 'wrong' } };
    await expect(
      withFreshTokenRetry(
        password,
        (current) => driver.send(current, message('Wrong password'), LOOPBACK_CONNECT),
        async () => {
          refreshes += 1;
          return password;
        },
      ),
    ).rejects.toMatchObject({ reason: 'auth' });
    const grant = new MailboxGrantError(
      new MailConnectionError('auth', 'The grant was revoked', { hint: 'Reconnect the mailbox' }),
    );
    expect(loginRejected(grant)).toBe(false);
    expect(grant.hint).toBe('Reconnect the mailbox');
    expect(refreshes).toBe(0);
  });
});
