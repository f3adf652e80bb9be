import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './harness/free-port';
import { startOAuthServer, type TestOAuthServer } from './harness/oauth-server';
import { HARNESS_SECRET } from './support/oauth-browser';
import request from 'supertest';
import { serviceEnv, spawnApp, type SpawnedApp } from './support/spawn-app';
import { createTenant, type ApiClient, type TestTenant } from './support/tenants';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * The real service as a process, with its request lines on: a browser goes through the OAuth sign-in
 * (the provider's redirect followed to the service's own address, PUBLIC_URL), and nothing of the code,
 * the state, the tokens or the client secret reaches its output.
 */
const CLIENT_SECRET = 'logged-client-secret-never';

describe('OAuth: nothing secret in the logs', () => {
  let oauth: TestOAuthServer;
  let database: TestDatabase;
  let dataDir: string;
  let service: SpawnedApp;
  let api: ApiClient;
  let tenant: TestTenant;
  let publicUrl: string;
  const handedOut: string[] = [];

  beforeAll(async () => {
    [oauth, database] = await Promise.all([startOAuthServer(), createTestDatabase()]);
    dataDir = mkdtempSync(join(tmpdir(), 'hd-oauth-logs-'));
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    // Kept before it listens, so afterAll stops it even when a loaded machine makes it boot slowly.
    service = spawnApp(
      serviceEnv(dataDir, database.url, {
        PORT: String(port),
        PUBLIC_URL: publicUrl,
        LOG_LEVEL: 'debug',
        MAIL_ALLOW_PRIVATE_HOSTS: 'true',
      }),
    );
    const [, url] = await service.waitForOutput(/Listening on (http:\/\/\S+) /, 90_000);
    api = { http: () => request(url!) };
    tenant = await createTenant(api);
    oauth.registerClient({
      clientId: 'logged-client',
      clientSecret: CLIENT_SECRET,
      redirectUris: [`${publicUrl}/api/v1/settings/email/oauth/callback`],
    });
    await api
      .http()
      .put('/api/v1/settings/email/oauth-app')
      .auth(tenant.admin.token, { type: 'bearer' })
      .send({ provider: 'custom', clientId: 'logged-client', clientSecret: CLIENT_SECRET, issuer: oauth.issuer })
      .expect(200);
  });
  afterAll(async () => {
    await service?.kill();
    await oauth?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Authorize, then follow every redirect as a browser does (the last one lands on the service's callback). */
  async function signIn(): Promise<Response> {
    const started = await api
      .http()
      .post('/api/v1/settings/email/oauth/authorize')
      .auth(tenant.admin.token, { type: 'bearer' })
      .send({ provider: 'custom' })
      .expect(201);
    const redirect = await fetch((started.body as { authorizationUrl: string }).authorizationUrl, {
      redirect: 'manual',
    });
    const callback = new URL(redirect.headers.get('location') ?? '');
    handedOut.push(callback.searchParams.get('code') ?? '', callback.searchParams.get('state') ?? '');
    expect(callback.origin).toBe(publicUrl);
    return fetch(callback, { redirect: 'manual' });
  }

  it('connects, fails a code exchange, disconnects; the request lines show the callback without its query', async () => {
    const page = await signIn();
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(await page.text()).toContain('Connected as support@contoso.test');
    oauth.failToken({ status: 400, error: 'invalid_grant', description: 'spent', grantType: 'authorization_code' });
    expect((await signIn()).status).toBe(400);
    oauth.failToken(null);
    await api.http().delete('/api/v1/settings/email/oauth').auth(tenant.admin.token, { type: 'bearer' }).expect(200);
    expect(oauth.counters.revocations).toBe(1);

    await service.waitForOutput(/settings\/email\/oauth\/callback\?\[redacted\][\s\S]*callback\?\[redacted\]/);
    const logged = `${service.output()}\n${service.stderr()}`;
    expect(logged).toContain('OAuth code exchange failed');
    for (const secret of [CLIENT_SECRET, ...handedOut]) expect(logged).not.toContain(secret);
    expect(logged).not.toMatch(HARNESS_SECRET);
    expect(logged).not.toMatch(/code=|state=/);
  });
});
