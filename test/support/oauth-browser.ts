import type { TestOAuthServer } from '../harness/oauth-server';
import type { ApiClient, TestTenant } from './tenants';

/** Where the app under test says it lives; the callback is reached through the API client whatever the host. */
export const TEST_PUBLIC_URL = 'http://helpdesk.test';
export const CALLBACK_URL = `${TEST_PUBLIC_URL}/api/v1/settings/email/oauth/callback`;

/** Harness tokens, codes and refresh tokens (`at_…`, `rt_…`, `code_…`): none may appear in what we show or store. */
export const HARNESS_SECRET = /\b(at|rt|code)_[A-Za-z0-9_-]{32}/;

/** Registers a client at the harness and saves it as the tenant's own app (a custom provider found by discovery). */
export async function registerApp(
  api: ApiClient,
  tenant: TestTenant,
  oauth: TestOAuthServer,
  client: { clientId: string; clientSecret: string },
  extra: Record<string, unknown> = {},
): Promise<void> {
  oauth.registerClient({ ...client, redirectUris: [CALLBACK_URL] });
  await api
    .http()
    .put('/api/v1/settings/email/oauth-app')
    .auth(tenant.admin.token, { type: 'bearer' })
    .send({ provider: 'custom', ...client, issuer: oauth.issuer, ...extra })
    .expect(200);
}

export async function startAuthorization(api: ApiClient, tenant: TestTenant): Promise<URL> {
  const response = await api
    .http()
    .post('/api/v1/settings/email/oauth/authorize')
    .auth(tenant.admin.token, { type: 'bearer' })
    .send({ provider: 'custom' })
    .expect(201);
  return new URL((response.body as { authorizationUrl: string }).authorizationUrl);
}

/** Opens the provider URL as a browser would, without following: the redirect it answers (to our callback). */
export async function followToCallback(authorizationUrl: URL): Promise<URL> {
  const response = await fetch(authorizationUrl, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status !== 302 || location === null) {
    throw new Error(`The provider answered ${response.status} ${await response.text()}`);
  }
  return new URL(location);
}

/** The callback page for `callbackUrl` (its path and query sent to the app, like the browser's redirect). */
export async function openCallback(api: ApiClient, callbackUrl: URL): Promise<{ status: number; text: string }> {
  const response = await api.http().get(`${callbackUrl.pathname}${callbackUrl.search}`);
  return { status: response.status, text: response.text };
}

/** The whole browser round: authorize, the provider's redirect, the callback page. */
export async function connectThroughBrowser(api: ApiClient, tenant: TestTenant) {
  const callbackUrl = await followToCallback(await startAuthorization(api, tenant));
  return { callbackUrl, page: await openCallback(api, callbackUrl) };
}
