import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource } from 'typeorm';
import type { OAuthConnectedEvent } from '../src/common/events/domain-events';
import { MailAccessTokens } from '../src/oauth/mail-access-tokens';
import { startOAuthServer, type TestOAuthServer } from './harness/oauth-server';
import {
  connectThroughBrowser,
  followToCallback,
  HARNESS_SECRET,
  openCallback,
  registerApp,
  startAuthorization,
  TEST_PUBLIC_URL,
} from './support/oauth-browser';
import { readAudit, storedAuditText } from './support/audit';
import { startTestApp, type TestApp } from './support/test-app';
import { createTenant, type TestTenant } from './support/tenants';

/**
 * Connecting a mailbox account with OAuth2 through HTTP, against the harness authorization server: the
 * browser round trip, and every way a callback is refused (nothing stored then).
 */
const CLIENT_SECRET = 'client-secret-that-must-not-leak';

describe('OAuth: connecting the mailbox account', () => {
  let oauth: TestOAuthServer;
  let testApp: TestApp;
  let tenant: TestTenant;
  let other: TestTenant;
  const connected: OAuthConnectedEvent[] = [];
  /** Every page and response body of the suite. */
  const seen: string[] = [];
  /** Codes and states the suite saw in redirects. */
  const handedOut: string[] = [];

  const tables = ['oauth_apps', 'oauth_connections', 'oauth_authorizations'];
  const dump = async () => {
    const rows = await Promise.all(
      tables.map((table) => testApp.app.get(DataSource).createQueryBuilder().select('*').from(table, 't').getRawMany()),
    );
    return JSON.stringify(rows);
  };
  const connectionOf = (organizationId: string) => testApp.app.get(MailAccessTokens).connection(organizationId);
  const page = async (url: URL) => {
    handedOut.push(...['code', 'state'].flatMap((name) => url.searchParams.get(name) ?? []));
    const shown = await openCallback(testApp, url);
    seen.push(shown.text);
    return shown;
  };

  beforeAll(async () => {
    oauth = await startOAuthServer({ account: 'support@contoso.test' });
    testApp = await startTestApp({
      MAIL_ALLOW_PRIVATE_HOSTS: 'true',
      PUBLIC_URL: TEST_PUBLIC_URL,
      MAIL_CONNECT_TIMEOUT_MS: '1000',
    });
    [tenant, other] = await Promise.all([createTenant(testApp), createTenant(testApp)]);
    await registerApp(testApp, tenant, oauth, { clientId: 'helpdesk-a', clientSecret: CLIENT_SECRET });
    await registerApp(testApp, other, oauth, { clientId: 'helpdesk-b', clientSecret: CLIENT_SECRET });
    testApp.app.get(EventEmitter2).on('oauth.connected', (event: OAuthConnectedEvent) => connected.push(event));
  });
  afterAll(async () => {
    const stored = `${await dump()}${await storedAuditText(testApp)}`;
    for (const secret of [CLIENT_SECRET, ...handedOut]) {
      expect(stored).not.toContain(secret);
      for (const body of seen) expect(body).not.toContain(secret);
    }
    expect(stored).not.toMatch(HARNESS_SECRET);
    await testApp?.close();
    await oauth?.close();
  });

  it('shows the app registration without its secret', async () => {
    const response = await testApp
      .http()
      .get('/api/v1/settings/email/oauth-app')
      .auth(tenant.admin.token, { type: 'bearer' })
      .expect(200);
    seen.push(response.text);
    expect(response.body).toMatchObject({
      provider: 'custom',
      clientId: 'helpdesk-a',
      clientSecretSet: true,
      issuer: oauth.issuer,
      redirectUri: `${TEST_PUBLIC_URL}/api/v1/settings/email/oauth/callback`,
    });
  });

  it('refuses app registrations that cannot work, naming the field', async () => {
    const save = (body: object) =>
      testApp.http().put('/api/v1/settings/email/oauth-app').auth(other.admin.token, { type: 'bearer' }).send(body);
    const fields = async (body: object) => {
      const response = await save(body);
      seen.push(response.text);
      expect(response.status).toBe(400);
      return (response.body as { details: { field: string }[] }).details.map((detail) => detail.field).sort();
    };
    expect(await fields({ provider: 'microsoft', clientId: 'x', tokenEndpoint: oauth.tokenEndpoint })).toEqual([
      'tokenEndpoint',
    ]);
    expect(await fields({ provider: 'custom', clientId: 'x' })).toEqual(['authorizationEndpoint', 'tokenEndpoint']);
    expect(await fields({ provider: 'google', clientId: 'x', grant: 'client-credentials' })).toEqual(['grant']);
    expect(await fields({ provider: 'microsoft', clientId: 'x', grant: 'client-credentials' })).toEqual(['tenant']);
    expect(await fields({ provider: 'custom', clientId: 'x', issuer: 'not a url' })).toEqual(['issuer']);
    expect(await fields({ provider: 'yahoo', clientId: 'x' })).toEqual(['provider']);
    // Left out, the secret is kept while the client stays the same.
    const kept = await save({ provider: 'custom', clientId: 'helpdesk-b', issuer: oauth.issuer });
    expect(kept.body).toMatchObject({ clientSecretSet: true });
  });

  it('sends the admin to the provider with PKCE (S256) and a fresh state each time', async () => {
    const [first, second] = [await startAuthorization(testApp, tenant), await startAuthorization(testApp, tenant)];
    expect(first.origin + first.pathname).toBe(oauth.authorizationEndpoint);
    expect(first.searchParams.get('code_challenge_method')).toBe('S256');
    expect(first.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(first.searchParams.get('state')).not.toBe(second.searchParams.get('state'));
    expect(first.searchParams.get('redirect_uri')).toBe(`${TEST_PUBLIC_URL}/api/v1/settings/email/oauth/callback`);
  });

  it('connects through the browser round trip and says as whom', async () => {
    const { callbackUrl, page: shown } = await connectThroughBrowser(testApp, tenant);
    handedOut.push(callbackUrl.searchParams.get('code') ?? '', callbackUrl.searchParams.get('state') ?? '');
    seen.push(shown.text);
    expect(shown.status).toBe(200);
    expect(shown.text).toContain('Connected as support@contoso.test — you can close this tab');
    expect(await connectionOf(tenant.organizationId)).toEqual({
      provider: 'custom',
      account: 'support@contoso.test',
      connectedAt: expect.any(Date),
      status: 'connected',
      lastRefreshAt: expect.any(Date),
      lastError: null,
    });
    expect(connected).toEqual([
      { organizationId: tenant.organizationId, provider: 'custom', account: 'support@contoso.test' },
    ]);
    const audit = await readAudit(testApp, tenant.admin.token, { action: 'settings.email', pageSize: '50' });
    expect(
      audit.items
        .map((row) => row.action)
        .filter((action) => action.includes('oauth'))
        .sort(),
    ).toEqual([
      'settings.email.oauth-app.saved',
      'settings.email.oauth.authorize-started',
      'settings.email.oauth.authorize-started',
      'settings.email.oauth.authorize-started',
      'settings.email.oauth.connected',
    ]);
    expect(audit.items.find((row) => row.action === 'settings.email.oauth.connected')).toMatchObject({
      actor: { id: tenant.admin.id, email: tenant.admin.email },
      changes: { provider: 'custom', account: 'support@contoso.test' },
    });
    const { accessToken } = await testApp.app.get(MailAccessTokens).get(tenant.organizationId);
    expect(accessToken).toMatch(/^at_/);
    expect(await dump()).not.toContain(accessToken);
  });

  it('refuses a replayed callback: a state works once', async () => {
    const callbackUrl = await followToCallback(await startAuthorization(testApp, other));
    expect((await page(callbackUrl)).status).toBe(200);
    const replay = await page(callbackUrl);
    expect(replay.status).toBe(400);
    expect(replay.text).toContain('already used');
  });

  describe('refused callbacks store nothing', () => {
    beforeAll(async () => {
      await testApp
        .http()
        .delete('/api/v1/settings/email/oauth')
        .auth(other.admin.token, { type: 'bearer' })
        .expect(200);
    });
    afterEach(() => {
      oauth.deny = false;
      oauth.hang = false;
      oauth.failToken(null);
    });
    const nothingStored = async () => {
      expect(await connectionOf(other.organizationId)).toBeNull();
    };

    it('a tampered state', async () => {
      const callbackUrl = await followToCallback(await startAuthorization(testApp, other));
      const state = callbackUrl.searchParams.get('state') ?? '';
      callbackUrl.searchParams.set('state', `${state.slice(0, -1)}${state.endsWith('A') ? 'B' : 'A'}`);
      const shown = await page(callbackUrl);
      expect(shown.status).toBe(400);
      expect(shown.text).toContain('Sign-in not recognized');
      await nothingStored();
    });

    it('an expired state (older than 10 minutes)', async () => {
      const callbackUrl = await followToCallback(await startAuthorization(testApp, other));
      await testApp.app
        .get(DataSource)
        .createQueryBuilder()
        .update('oauth_authorizations')
        .set({ expiresAtMs: Date.now() - 1 })
        .where('organization_id = :id', { id: other.organizationId })
        .execute();
      const shown = await page(callbackUrl);
      expect(shown.status).toBe(400);
      expect(shown.text).toContain('Sign-in expired');
      await nothingStored();
    });

    it("another organization's state with this code", async () => {
      const mine = await followToCallback(await startAuthorization(testApp, other));
      const theirs = await startAuthorization(testApp, tenant);
      mine.searchParams.set('state', theirs.searchParams.get('state') ?? '');
      const shown = await page(mine);
      expect(shown.status).toBe(400);
      expect(shown.text).toContain('Connecting failed');
      await nothingStored();
      // The other organization's connection is the one it made itself, untouched.
      expect(await connectionOf(tenant.organizationId)).toMatchObject({
        status: 'connected',
        account: 'support@contoso.test',
      });
    });

    it('declined consent, with a page that says so', async () => {
      oauth.deny = true;
      const callbackUrl = await followToCallback(await startAuthorization(testApp, other));
      expect(callbackUrl.searchParams.get('error')).toBe('access_denied');
      const shown = await page(callbackUrl);
      expect(shown.status).toBe(403);
      expect(shown.text).toContain('Access declined');
      await nothingStored();
    });

    it('a token endpoint that refuses the code', async () => {
      oauth.failToken({
        status: 400,
        error: 'invalid_grant',
        description: 'Code expired',
        grantType: 'authorization_code',
      });
      const shown = await page(await followToCallback(await startAuthorization(testApp, other)));
      expect(shown.status).toBe(400);
      expect(shown.text).toContain('(auth)');
      await nothingStored();
    });

    it('a token endpoint that never answers, within the timeout', async () => {
      oauth.hang = true;
      const shown = await page(await followToCallback(await startAuthorization(testApp, other)));
      expect(shown.status).toBe(400);
      expect(shown.text).toContain('(timeout)');
      await nothingStored();
    });

    it('a callback without state', async () => {
      const shown = await page(new URL(`${TEST_PUBLIC_URL}/api/v1/settings/email/oauth/callback?code=code_x`));
      expect(shown.status).toBe(400);
      await nothingStored();
    });
  });

  it('refuses authorize without an app for the provider, and for agents', async () => {
    const missing = await testApp
      .http()
      .post('/api/v1/settings/email/oauth/authorize')
      .auth(tenant.admin.token, { type: 'bearer' })
      .send({ provider: 'google' });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 'OAUTH_APP_MISSING' });
    const agent = await tenant.addUser('agent');
    await testApp
      .http()
      .post('/api/v1/settings/email/oauth/authorize')
      .auth(agent.token, { type: 'bearer' })
      .send({ provider: 'custom' })
      .expect(403);
  });
});
