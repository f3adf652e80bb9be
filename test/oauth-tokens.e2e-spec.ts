import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource } from 'typeorm';
import type { OAuthDisconnectedEvent, OAuthNeedsReauthEvent } from '../src/common/events/domain-events';
import { MailAccessTokens } from '../src/oauth/mail-access-tokens';
import { startOAuthServer, type TestOAuthServer } from './harness/oauth-server';
import { mailFailure } from './support/mail-failure';
import { connectThroughBrowser, HARNESS_SECRET, registerApp, TEST_PUBLIC_URL } from './support/oauth-browser';
import { startTestApp, type TestApp } from './support/test-app';
import { usingPostgres } from './support/test-database';
import { createTenant, type TestTenant } from './support/tenants';

/**
 * Access tokens for mail logins once connected: cached, refreshed on demand with the rotated refresh
 * token stored, failures classified, a lost grant never asked again, one refresh across two instances,
 * the disconnect, and app-only (client credentials) access. Against the harness authorization server.
 */
describe('OAuth: access tokens for mail logins', () => {
  let oauth: TestOAuthServer;
  let testApp: TestApp;
  let tenant: TestTenant;
  const lost: OAuthNeedsReauthEvent[] = [];
  const disconnected: OAuthDisconnectedEvent[] = [];
  const tokens = () => testApp.app.get(MailAccessTokens);
  const refreshes = () => oauth.counters.tokenRequests.refresh_token;
  const row = async (organizationId: string) =>
    (await testApp.app
      .get(DataSource)
      .createQueryBuilder()
      .select('*')
      .from('oauth_connections', 't')
      .where('t.organization_id = :organizationId', { organizationId })
      .getRawOne<Record<string, unknown>>()) ?? null;
  /** The stored access token's expiry moved into the past, as if an hour went by. */
  const expire = (organizationId: string) =>
    testApp.app
      .get(DataSource)
      .createQueryBuilder()
      .update('oauth_connections')
      .set({ accessTokenExpiresAtMs: Date.now() - 1 })
      .where('organization_id = :organizationId', { organizationId })
      .execute();

  beforeAll(async () => {
    oauth = await startOAuthServer({ account: 'support@contoso.test' });
    testApp = await startTestApp({
      MAIL_ALLOW_PRIVATE_HOSTS: 'true',
      PUBLIC_URL: TEST_PUBLIC_URL,
      MAIL_CONNECT_TIMEOUT_MS: '1000',
    });
    tenant = await createTenant(testApp);
    await registerApp(testApp, tenant, oauth, { clientId: 'helpdesk', clientSecret: 'tokens-client-secret' });
    expect((await connectThroughBrowser(testApp, tenant)).page.status).toBe(200);
    const events = testApp.app.get(EventEmitter2);
    events.on('oauth.needs-reauth', (event: OAuthNeedsReauthEvent) => lost.push(event));
    events.on('oauth.disconnected', (event: OAuthDisconnectedEvent) => disconnected.push(event));
  });
  afterAll(async () => {
    await testApp?.close();
    await oauth?.close();
  });
  afterEach(() => {
    oauth.hang = false;
    oauth.failToken(null);
  });

  it('hands out the stored access token until a minute before it expires, without asking the provider', async () => {
    oauth.resetCounters();
    const first = await tokens().get(tenant.organizationId);
    const again = await tokens().get(tenant.organizationId);
    expect(first).toEqual({ account: 'support@contoso.test', accessToken: expect.stringMatching(/^at_/) });
    expect(again.accessToken).toBe(first.accessToken);
    expect(refreshes()).toBe(0);
  });

  it('refreshes an expired token and stores the rotated refresh token at once', async () => {
    const before = await tokens().get(tenant.organizationId);
    const stored = await row(tenant.organizationId);
    await expire(tenant.organizationId);
    oauth.resetCounters();
    const after = await tokens().get(tenant.organizationId);
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(refreshes()).toBe(1);
    expect((await row(tenant.organizationId))?.refresh_token_sealed).not.toBe(stored?.refresh_token_sealed);
    // The spent refresh token is dead at the provider: a second refresh works only with the rotated one.
    await expire(tenant.organizationId);
    await tokens().get(tenant.organizationId);
    expect(oauth.counters).toMatchObject({ reusedRefreshTokens: 0, invalidGrants: 0 });
    expect((await tokens().connection(tenant.organizationId))?.lastRefreshAt).toEqual(expect.any(Date));
  });

  it('forces a refresh when a server rejected the token', async () => {
    const current = await tokens().get(tenant.organizationId);
    oauth.resetCounters();
    const forced = await tokens().get(tenant.organizationId, { forceRefresh: true });
    expect(forced.accessToken).not.toBe(current.accessToken);
    expect(refreshes()).toBe(1);
  });

  it('classifies a failing token endpoint and keeps the grant', async () => {
    await expire(tenant.organizationId);
    oauth.failToken({ status: 503, error: 'temporarily_unavailable', grantType: 'refresh_token' });
    expect((await mailFailure(tokens().get(tenant.organizationId))).reason).toBe('protocol');
    oauth.failToken(null);
    oauth.hang = true;
    expect((await mailFailure(tokens().get(tenant.organizationId))).reason).toBe('timeout');
    expect(await tokens().connection(tenant.organizationId)).toMatchObject({
      status: 'connected',
      lastError: { class: 'timeout', message: expect.any(String), at: expect.any(Date) },
    });
    oauth.hang = false;
    await tokens().get(tenant.organizationId);
    expect((await tokens().connection(tenant.organizationId))?.lastError).toBeNull();
  });

  it('marks a revoked grant needs-reauth once, and then never asks the provider again', async () => {
    oauth.revokeGrants();
    await expire(tenant.organizationId);
    const failure = await mailFailure(tokens().get(tenant.organizationId));
    expect(failure).toMatchObject({ reason: 'auth', hint: 'Reconnect the mailbox' });
    expect(await tokens().connection(tenant.organizationId)).toMatchObject({
      status: 'needs-reauth',
      lastError: { class: 'auth', message: expect.stringContaining('invalid_grant') },
    });
    expect(lost).toEqual([
      expect.objectContaining({ organizationId: tenant.organizationId, account: 'support@contoso.test' }),
    ]);
    oauth.resetCounters();
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect(await mailFailure(tokens().get(tenant.organizationId, { forceRefresh: attempt % 2 === 0 }))).toMatchObject(
        {
          reason: 'auth',
          hint: 'Reconnect the mailbox',
        },
      );
    }
    expect(oauth.counters.tokenRequests).toEqual({ authorization_code: 0, refresh_token: 0, client_credentials: 0 });
    expect(lost).toHaveLength(1);
  });

  it('reconnecting clears needs-reauth', async () => {
    expect((await connectThroughBrowser(testApp, tenant)).page.status).toBe(200);
    expect(await tokens().connection(tenant.organizationId)).toMatchObject({ status: 'connected', lastError: null });
    expect((await tokens().get(tenant.organizationId)).accessToken).toMatch(/^at_/);
  });

  it('disconnects: revoked at the provider, tokens deleted, an event, and no token any more', async () => {
    oauth.resetCounters();
    const response = await testApp
      .http()
      .delete('/api/v1/settings/email/oauth')
      .auth(tenant.admin.token, { type: 'bearer' })
      .expect(200);
    expect(response.body).toEqual({ revoked: true });
    expect(response.text).not.toMatch(HARNESS_SECRET);
    expect(oauth.counters.revocations).toBe(1);
    expect(await row(tenant.organizationId)).toBeNull();
    expect(disconnected).toEqual([{ organizationId: tenant.organizationId, provider: 'custom' }]);
    expect(await tokens().connection(tenant.organizationId)).toBeNull();
    expect(await mailFailure(tokens().get(tenant.organizationId))).toMatchObject({ reason: 'auth' });
    await testApp
      .http()
      .delete('/api/v1/settings/email/oauth')
      .auth(tenant.admin.token, { type: 'bearer' })
      .expect(404);
  });

  it('gets app-only tokens with client credentials, the account left to the settings', async () => {
    const appOnly = await createTenant(testApp);
    oauth.registerClient({ clientId: 'app-only', clientSecret: 'app-only-secret' });
    const appOnlyApp = {
      provider: 'custom',
      clientId: 'app-only',
      clientSecret: 'app-only-secret',
      grant: 'client-credentials',
      tokenEndpoint: oauth.tokenEndpoint,
    };
    await testApp
      .http()
      .put('/api/v1/settings/email/oauth-app')
      .auth(appOnly.admin.token, { type: 'bearer' })
      .send(appOnlyApp)
      .expect(200);
    oauth.resetCounters();
    const token = await tokens().get(appOnly.organizationId);
    expect(token).toEqual({ account: '', accessToken: expect.stringMatching(/^at_/) });
    expect((await tokens().get(appOnly.organizationId)).accessToken).toBe(token.accessToken);
    await expire(appOnly.organizationId);
    expect((await tokens().get(appOnly.organizationId)).accessToken).not.toBe(token.accessToken);
    expect(oauth.counters.tokenRequests.client_credentials).toBe(2);
    expect(await tokens().connection(appOnly.organizationId)).toMatchObject({ status: 'connected', account: '' });
    const authorize = await testApp
      .http()
      .post('/api/v1/settings/email/oauth/authorize')
      .auth(appOnly.admin.token, { type: 'bearer' })
      .send({ provider: 'custom' });
    expect(authorize.body).toMatchObject({ statusCode: 400, code: 'OAUTH_APP_ONLY' });
    // A wrong secret loses the app's access; saving the registration again is the reconnect.
    oauth.registerClient({ clientId: 'app-only', clientSecret: 'rotated-secret' });
    await expire(appOnly.organizationId);
    expect(await mailFailure(tokens().get(appOnly.organizationId))).toMatchObject({
      reason: 'auth',
      hint: 'Reconnect the mailbox',
    });
    expect(await tokens().connection(appOnly.organizationId)).toMatchObject({ status: 'needs-reauth' });
    oauth.resetCounters();
    await mailFailure(tokens().get(appOnly.organizationId));
    expect(oauth.counters.tokenRequests.client_credentials).toBe(0);
    await testApp
      .http()
      .put('/api/v1/settings/email/oauth-app')
      .auth(appOnly.admin.token, { type: 'bearer' })
      .send({ ...appOnlyApp, clientSecret: 'rotated-secret' })
      .expect(200);
    expect((await tokens().get(appOnly.organizationId)).accessToken).toMatch(/^at_/);
    expect(await tokens().connection(appOnly.organizationId)).toMatchObject({ status: 'connected', lastError: null });
  });

  // Two instances share a database only on PostgreSQL (SQLite is one process's file). Last: an app booted
  // in the same process takes over the process-wide passport strategy, so the first app's sign-ins go with it.
  (usingPostgres() ? it : it.skip)('refreshes once across two instances asking at the same moment', async () => {
    expect((await connectThroughBrowser(testApp, tenant)).page.status).toBe(200);
    const sibling = await testApp.sibling();
    try {
      await expire(tenant.organizationId);
      oauth.resetCounters();
      const both = await Promise.all([
        tokens().get(tenant.organizationId),
        sibling.app.get(MailAccessTokens).get(tenant.organizationId),
        tokens().get(tenant.organizationId),
        sibling.app.get(MailAccessTokens).get(tenant.organizationId),
      ]);
      expect(refreshes()).toBe(1);
      expect(new Set(both.map((token) => token.accessToken)).size).toBe(1);
      expect(oauth.counters.reusedRefreshTokens).toBe(0);
    } finally {
      await sibling.stop();
    }
  });
});
