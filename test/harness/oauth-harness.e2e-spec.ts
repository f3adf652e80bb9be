import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import * as oidc from 'openid-client';
import { eventually } from '../support/messages';
import { startDovecot, type DovecotServer, type OAuth2Mechanism } from './dovecot';
import { startMailSystem, type MailSystem } from './mail-system';
import { startOAuthServer, type TestOAuthServer } from './oauth-server';

const ACCOUNT = 'support@contoso.test';
const CLIENT = { clientId: 'helpdesk', clientSecret: 'helpdesk-client-secret' };
const REDIRECT_URI = 'http://127.0.0.1:9/api/v1/settings/email/oauth/callback';
const SCOPE = 'offline_access openid email https://outlook.office.com/IMAP.AccessAsUser.All';

/** The app's side of the flow as openid-client runs it, against the harness server over plain http. */
function discover(oauth: TestOAuthServer, clientSecret = CLIENT.clientSecret) {
  return oidc.discovery(new URL(oauth.issuer), CLIENT.clientId, clientSecret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
}

/** Builds the authorization URL with PKCE and follows the server's redirect as a browser would. */
async function authorize(config: oidc.Configuration, params: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: SCOPE,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...params,
  });
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  return { status: response.status, callback: location ? new URL(location) : null, verifier, state, nonce };
}

async function connectedTokens(oauth: TestOAuthServer) {
  const config = await discover(oauth);
  const { callback, verifier, state, nonce } = await authorize(config);
  if (!callback) throw new Error('No redirect from /authorize');
  const tokens = await oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  return { config, tokens, callback, verifier };
}

async function imapLogin(dovecot: DovecotServer, user: string, accessToken: string): Promise<void> {
  const client = new ImapFlow({
    host: dovecot.host,
    port: dovecot.imapPort,
    secure: false,
    doSTARTTLS: false,
    auth: { user, accessToken },
    logger: false,
  });
  client.on('error', () => undefined);
  await client.connect();
  await client.logout();
}

describe('test OAuth2 authorization server', () => {
  let oauth: TestOAuthServer;

  beforeAll(async () => {
    oauth = await startOAuthServer({ account: ACCOUNT });
    oauth.registerClient({ ...CLIENT, redirectUris: [REDIRECT_URI] });
  });

  afterAll(async () => {
    await oauth?.close();
  });

  it('runs discovery, PKCE authorization and code exchange with a signed ID token for the account', async () => {
    const before = oauth.counters.tokenRequests.authorization_code;
    const { config, tokens, callback } = await connectedTokens(oauth);
    expect(config.serverMetadata().token_endpoint).toBe(oauth.tokenEndpoint);
    expect(callback.origin + callback.pathname).toBe(REDIRECT_URI);
    expect(tokens.claims()).toMatchObject({
      email: ACCOUNT,
      preferred_username: ACCOUNT,
      aud: CLIENT.clientId,
      iss: oauth.issuer,
    });
    expect(tokens.access_token).toMatch(/^at_/);
    expect(tokens.refresh_token).toMatch(/^rt_/);
    expect(tokens.expiresIn()).toBeGreaterThan(3500);
    expect(oauth.counters.tokenRequests.authorization_code).toBe(before + 1);
  });

  it('accepts client_secret_basic and refuses a wrong secret, a reused code and a wrong verifier', async () => {
    const basic = await oidc.discovery(
      new URL(oauth.issuer),
      CLIENT.clientId,
      undefined,
      oidc.ClientSecretBasic(CLIENT.clientSecret),
      { execute: [oidc.allowInsecureRequests] },
    );
    const flow = await authorize(basic);
    const grant = (verifier: string) =>
      oidc.authorizationCodeGrant(basic, flow.callback as URL, {
        pkceCodeVerifier: verifier,
        expectedState: flow.state,
      });
    await expect(grant(oidc.randomPKCECodeVerifier())).rejects.toMatchObject({ error: 'invalid_grant' });
    // The failed attempt spent the code: the right verifier cannot use it any more.
    await expect(grant(flow.verifier)).rejects.toMatchObject({ error: 'invalid_grant' });

    const fresh = await authorize(basic);
    const tokens = await oidc.authorizationCodeGrant(basic, fresh.callback as URL, {
      pkceCodeVerifier: fresh.verifier,
      expectedState: fresh.state,
      expectedNonce: fresh.nonce,
    });
    expect(tokens.access_token).toMatch(/^at_/);

    const wrongSecret = await discover(oauth, 'not-the-secret');
    const third = await authorize(wrongSecret);
    await expect(
      oidc.authorizationCodeGrant(wrongSecret, third.callback as URL, {
        pkceCodeVerifier: third.verifier,
        expectedState: third.state,
        expectedNonce: third.nonce,
      }),
    ).rejects.toMatchObject({ error: 'invalid_client' });
  });

  it('requires PKCE S256 and redirects with access_denied while deny is set', async () => {
    const config = await discover(oauth);
    const plain = await authorize(config, { code_challenge_method: 'plain' });
    expect(plain.callback?.searchParams.get('error')).toBe('invalid_request');
    expect(plain.callback?.searchParams.get('code')).toBeNull();

    oauth.deny = true;
    try {
      const denied = await authorize(config);
      expect(denied.status).toBe(302);
      expect(Object.fromEntries(denied.callback?.searchParams ?? [])).toMatchObject({
        error: 'access_denied',
        state: denied.state,
      });
    } finally {
      oauth.deny = false;
    }

    const unregistered = await authorize(config, { redirect_uri: 'http://127.0.0.1:9/elsewhere' });
    expect(unregistered).toMatchObject({ status: 400, callback: null });
  });

  it('rotates refresh tokens: each refresh returns a new one and the spent one is invalid_grant', async () => {
    const { config, tokens } = await connectedTokens(oauth);
    const before = oauth.counters;
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token as string);
    expect(refreshed.refresh_token).toMatch(/^rt_/);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.access_token).not.toBe(tokens.access_token);

    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token as string)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    const again = await oidc.refreshTokenGrant(config, refreshed.refresh_token as string);
    expect(again.refresh_token).not.toBe(refreshed.refresh_token);
    expect(oauth.counters.tokenRequests.refresh_token).toBe(before.tokenRequests.refresh_token + 3);
    expect(oauth.counters.reusedRefreshTokens).toBe(before.reusedRefreshTokens + 1);
    expect(oauth.counters.invalidGrants).toBe(before.invalidGrants + 1);
  });

  it('introspects, expires, revokes and answers scripted failures', async () => {
    const { config, tokens } = await connectedTokens(oauth);
    const introspect = () => oidc.tokenIntrospection(config, tokens.access_token);
    await expect(introspect()).resolves.toMatchObject({ active: true, username: ACCOUNT, client_id: CLIENT.clientId });

    oauth.expireAccessTokens();
    await expect(introspect()).resolves.toEqual({ active: false });
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token as string);
    await expect(oidc.tokenIntrospection(config, refreshed.access_token)).resolves.toMatchObject({ active: true });

    oauth.failToken({ status: 400, error: 'invalid_grant', grantType: 'refresh_token' });
    try {
      await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token as string)).rejects.toMatchObject({
        error: 'invalid_grant',
      });
      await expect(oidc.clientCredentialsGrant(config, { scope: 'x' })).resolves.toMatchObject({ scope: 'x' });
      oauth.failToken({ status: 503, error: 'temporarily_unavailable' });
      await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token as string)).rejects.toMatchObject({
        cause: { status: 503 },
      });
    } finally {
      oauth.failToken(null);
    }

    const revocations = oauth.counters.revocations;
    await oidc.tokenRevocation(config, refreshed.refresh_token as string);
    expect(oauth.counters.revocations).toBe(revocations + 1);
    await expect(oidc.tokenIntrospection(config, refreshed.access_token)).resolves.toEqual({ active: false });
    await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token as string)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('revokeGrants ends refresh tokens and access tokens of that account only', async () => {
    const mine = await connectedTokens(oauth);
    oauth.setAccount('other@contoso.test');
    const theirs = await connectedTokens(oauth);
    oauth.setAccount(ACCOUNT);
    expect(theirs.tokens.claims()?.email).toBe('other@contoso.test');

    oauth.revokeGrants(ACCOUNT);
    await expect(oidc.refreshTokenGrant(mine.config, mine.tokens.refresh_token as string)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    await expect(oidc.tokenIntrospection(mine.config, mine.tokens.access_token)).resolves.toEqual({ active: false });
    await expect(oidc.refreshTokenGrant(theirs.config, theirs.tokens.refresh_token as string)).resolves.toMatchObject({
      token_type: 'bearer',
    });
  });

  it('issues client credentials tokens with the requested scope and no refresh token', async () => {
    const config = await discover(oauth);
    const scope = 'https://outlook.office365.com/.default';
    const tokens = await oidc.clientCredentialsGrant(config, { scope });
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.id_token).toBeUndefined();
    await expect(oidc.tokenIntrospection(config, tokens.access_token)).resolves.toMatchObject({
      active: true,
      scope,
      username: ACCOUNT,
    });
  });

  it('hang keeps the token request unanswered', async () => {
    const config = await discover(oauth);
    oauth.hang = true;
    try {
      const before = oauth.counters.tokenRequests.client_credentials;
      const stalled = oidc.clientCredentialsGrant(config, { scope: 'x' }, undefined);
      const outcome = await Promise.race([
        stalled.then(
          () => 'answered',
          () => 'failed',
        ),
        new Promise((resolve) => setTimeout(() => resolve('still waiting'), 300)),
      ]);
      expect(outcome).toBe('still waiting');
      expect(oauth.counters.tokenRequests.client_credentials).toBe(before + 1);
      stalled.catch(() => undefined);
    } finally {
      oauth.hang = false;
    }
  });
});

describe.each([
  {
    name: 'OAUTHBEARER and XOAUTH2',
    mechanisms: ['oauthbearer', 'xoauth2'] as OAuth2Mechanism[],
    expected: 'OAUTHBEARER',
  },
  { name: 'XOAUTH2 only', mechanisms: ['xoauth2'] as OAuth2Mechanism[], expected: 'XOAUTH2' },
])('Dovecot with an oauth2 passdb offering $name', ({ mechanisms, expected }) => {
  let oauth: TestOAuthServer;
  let dovecot: DovecotServer;

  beforeAll(async () => {
    oauth = await startOAuthServer({ account: ACCOUNT });
    oauth.registerClient({ ...CLIENT, redirectUris: [REDIRECT_URI] });
    dovecot = await startDovecot({
      users: [{ user: 'alice', password: 'alice-secret' }],
      oauth2: { introspectionUrl: oauth.introspectionEndpoint, mechanisms },
    });
  });

  afterAll(async () => {
    await dovecot?.close();
    await oauth?.close();
  });

  it(`logs in with an access token (${expected}) and refuses expired, revoked and foreign tokens`, async () => {
    const { config, tokens } = await connectedTokens(oauth);
    const introspections = oauth.counters.introspections;
    await imapLogin(dovecot, ACCOUNT, tokens.access_token);
    expect(await dovecot.loginMethodsAtLeast(ACCOUNT, 1)).toEqual([expected]);
    expect(oauth.counters.introspections).toBe(introspections + 1);

    // A token is good for its own account only.
    const other = oauth.issueAccessToken({ account: 'other@contoso.test' });
    await expect(imapLogin(dovecot, ACCOUNT, other)).rejects.toMatchObject({ authenticationFailed: true });

    oauth.expireAccessTokens();
    await expect(imapLogin(dovecot, ACCOUNT, tokens.access_token)).rejects.toMatchObject({
      authenticationFailed: true,
    });
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token as string);
    await imapLogin(dovecot, ACCOUNT, refreshed.access_token);

    oauth.revokeGrants(ACCOUNT);
    await expect(imapLogin(dovecot, ACCOUNT, refreshed.access_token)).rejects.toMatchObject({
      authenticationFailed: true,
    });
    // A refusal is logged when the client hangs up, which may be just after imapflow rejected.
    await eventually(async () => (await dovecot.logins(ACCOUNT)).failed === 3);
    expect(await dovecot.logins(ACCOUNT)).toEqual({ succeeded: 2, failed: 3 });
  });

  it('keeps password logins for the other users', async () => {
    const client = new ImapFlow({
      host: dovecot.host,
      port: dovecot.imapPort,
      secure: false,
      doSTARTTLS: false,
      auth: { user: 'alice', pass: 'alice-secret' },
      logger: false,
    });
    await client.connect();
    await client.logout();
    expect(await dovecot.loginMethodsAtLeast('alice', 1)).toEqual(['PLAIN']);
  });
});

describe('mail system with OAuth2: SMTP XOAUTH2', () => {
  let oauth: TestOAuthServer;
  let mail: MailSystem;

  beforeAll(async () => {
    oauth = await startOAuthServer({ account: ACCOUNT });
    mail = await startMailSystem({ oauth2: { introspectionUrl: oauth.introspectionEndpoint } });
  });

  afterAll(async () => {
    await mail?.close();
    await oauth?.close();
  });

  function send(accessToken: string) {
    const transport = nodemailer.createTransport({
      host: mail.smtp.host,
      port: mail.smtp.port,
      requireTLS: true,
      tls: { ca: mail.smtp.certPem, servername: 'localhost' },
      auth: { type: 'OAuth2', user: ACCOUNT, accessToken },
      logger: false,
    });
    return transport
      .sendMail({ from: ACCOUNT, to: 'customer@example.test', subject: 'Re: help', text: 'On it' })
      .finally(() => transport.close());
  }

  it('accepts a valid token and answers 535 to a bad one', async () => {
    const token = oauth.issueAccessToken();
    await expect(send(token)).resolves.toMatchObject({ accepted: ['customer@example.test'] });
    expect(mail.smtp.messages.at(-1)).toMatchObject({ authUser: ACCOUNT, secure: true });

    await expect(send('at_not-a-token')).rejects.toMatchObject({ responseCode: 535 });
    oauth.revokeGrants();
    await expect(send(token)).rejects.toMatchObject({ responseCode: 535 });
    // nodemailer tries a refused XOAUTH2 login a second time by itself, hence more attempts than sends.
    const attempts = mail.smtp.authAttempts;
    expect(attempts[0]).toMatchObject({ method: 'XOAUTH2', username: ACCOUNT, accessToken: token, accepted: true });
    expect(attempts.slice(1).map((attempt) => attempt.accepted)).not.toContain(true);
    expect(attempts.map((attempt) => attempt.accessToken)).toContain('at_not-a-token');
    expect(mail.smtp.messages).toHaveLength(1);
  });

  it('imapflow reads, with a token, the mailbox the harness filled for that address', async () => {
    await mail.dovecot.addUser(ACCOUNT, 'harness-only');
    await mail.dovecot.append(ACCOUNT, 'Subject: Printer on fire\r\n\r\nHelp\r\n');
    const client = new ImapFlow({
      host: mail.dovecot.host,
      port: mail.dovecot.imapsPort,
      secure: true,
      tls: { ca: mail.dovecot.certPem, servername: 'localhost' },
      auth: { user: ACCOUNT, accessToken: oauth.issueAccessToken() },
      logger: false,
    });
    await client.connect();
    const status = await client.status('INBOX', { messages: true });
    await client.logout();
    expect(status).toMatchObject({ messages: 1 });
    expect(await mail.dovecot.loginMethodsAtLeast(ACCOUNT, 2)).toEqual(['PLAIN', 'OAUTHBEARER']);
  });
});
