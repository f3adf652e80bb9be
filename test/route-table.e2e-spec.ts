import { concretePath, readRouteTable, RouteEntry } from './support/route-table';
import { startTestApp, TestApp } from './support/test-app';
import { createTenant, superadminToken, TestTenant, TestUser } from './support/tenants';

/**
 * Who may call what. A new route, or a change of who may reach one, must show up here in review:
 * this list is compared with the running app's routes.
 */
const EXPECTED: RouteEntry[] = [
  { method: 'GET', path: '/api/v1/me', access: 'superadmin,admin,agent' },
  { method: 'PATCH', path: '/api/v1/me', access: 'superadmin,admin,agent' },
  { method: 'POST', path: '/api/v1/me/password', access: 'superadmin,admin,agent' },
  { method: 'POST', path: '/api/v1/auth/login', access: 'public' },
  { method: 'POST', path: '/api/v1/auth/password-reset', access: 'public' },
  { method: 'POST', path: '/api/v1/auth/password-reset/confirm', access: 'public' },
  { method: 'GET', path: '/api/v1/organizations', access: 'superadmin' },
  { method: 'POST', path: '/api/v1/organizations', access: 'superadmin' },
  { method: 'PATCH', path: '/api/v1/organizations/{id}', access: 'superadmin' },
  { method: 'GET', path: '/api/v1/users', access: 'admin' },
  { method: 'POST', path: '/api/v1/users', access: 'admin' },
  { method: 'PATCH', path: '/api/v1/users/{id}', access: 'admin' },
  { method: 'POST', path: '/api/v1/users/{id}/temporary-password', access: 'admin' },
  { method: 'POST', path: '/api/v1/users/{id}/password-reset', access: 'admin' },
  { method: 'GET', path: '/api/v1/settings/email', access: 'admin' },
  { method: 'PUT', path: '/api/v1/settings/email/incoming', access: 'admin' },
  { method: 'POST', path: '/api/v1/settings/email/incoming/test', access: 'admin' },
  { method: 'DELETE', path: '/api/v1/settings/email/oauth', access: 'admin' },
  { method: 'GET', path: '/api/v1/settings/email/oauth-app', access: 'admin' },
  { method: 'PUT', path: '/api/v1/settings/email/oauth-app', access: 'admin' },
  { method: 'POST', path: '/api/v1/settings/email/oauth/authorize', access: 'admin' },
  // The provider sends the browser back without our token; the single-use state is what authorizes it.
  { method: 'GET', path: '/api/v1/settings/email/oauth/callback', access: 'public' },
  { method: 'PUT', path: '/api/v1/settings/email/outgoing', access: 'admin' },
  { method: 'POST', path: '/api/v1/settings/email/outgoing/test', access: 'admin' },
  { method: 'POST', path: '/api/v1/settings/email/verify', access: 'admin' },
  { method: 'GET', path: '/api/v1/settings/notifications', access: 'admin' },
  { method: 'PUT', path: '/api/v1/settings/notifications', access: 'admin' },
  { method: 'GET', path: '/api/v1/notifications', access: 'admin' },
  { method: 'POST', path: '/api/v1/notifications/{id}/retry', access: 'admin' },
  { method: 'GET', path: '/api/v1/tickets', access: 'admin,agent' },
  { method: 'POST', path: '/api/v1/tickets', access: 'admin,agent' },
  { method: 'GET', path: '/api/v1/tickets/{id}', access: 'admin,agent' },
  { method: 'PATCH', path: '/api/v1/tickets/{id}', access: 'admin,agent' },
  { method: 'POST', path: '/api/v1/tickets/{id}/comments', access: 'admin,agent' },
  { method: 'GET', path: '/api/v1/tickets/{id}/attachments/{attachmentId}', access: 'admin,agent' },
  { method: 'GET', path: '/api/v1/sync', access: 'admin' },
  { method: 'POST', path: '/api/v1/sync/start', access: 'admin' },
  { method: 'POST', path: '/api/v1/sync/stop', access: 'admin' },
  { method: 'POST', path: '/api/v1/sync/now', access: 'admin' },
  { method: 'PUT', path: '/api/v1/sync/interval', access: 'admin' },
  { method: 'PUT', path: '/api/v1/sync/push', access: 'admin' },
  { method: 'GET', path: '/api/v1/sync/runs', access: 'admin' },
  { method: 'GET', path: '/api/v1/sync/runs/{id}', access: 'admin' },
  { method: 'GET', path: '/api/v1/sync/runs/{id}/messages', access: 'admin' },
  { method: 'GET', path: '/api/v1/sync/failures', access: 'admin' },
  { method: 'GET', path: '/api/v1/sync/failures/{id}/raw', access: 'admin' },
  { method: 'POST', path: '/api/v1/sync/failures/{id}/retry', access: 'admin' },
  { method: 'DELETE', path: '/api/v1/sync/failures/{id}', access: 'admin' },
  { method: 'GET', path: '/api/v1/alerts', access: 'admin' },
  { method: 'POST', path: '/api/v1/alerts/{id}/ack', access: 'admin' },
  { method: 'GET', path: '/api/v1/audit', access: 'superadmin,admin' },
  { method: 'GET', path: '/health', access: 'public' },
  // Public to the user guards: it checks METRICS_TOKEN itself (test/metrics-access.e2e-spec.ts).
  { method: 'GET', path: '/metrics', access: 'public' },
];

describe('route table: every route declares who may call it', () => {
  let testApp: TestApp;
  let tenant: TestTenant;
  let agent: TestUser;
  let root: string;
  let routes: RouteEntry[];

  beforeAll(async () => {
    testApp = await startTestApp();
    tenant = await createTenant(testApp);
    agent = await tenant.addUser('agent');
    root = await superadminToken(testApp);
    routes = await readRouteTable(testApp);
  });
  afterAll(() => testApp.close());

  const sortKey = (route: RouteEntry) => `${route.path} ${route.method}`;
  const call = (route: RouteEntry, token?: string) => {
    const request = testApp
      .http()
      [route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete'](concretePath(route.path));
    return token ? request.set('Authorization', `Bearer ${token}`).send({}) : request.send({});
  };

  it('matches the reviewed table (no route without a declared role)', () => {
    expect(routes).toEqual([...EXPECTED].sort((a, b) => sortKey(a).localeCompare(sortKey(b))));
  });

  it('refuses an anonymous caller on every non-public route with 401', async () => {
    for (const route of routes.filter((r) => r.access !== 'public')) {
      const response = await call(route);
      expect({ route: sortKey(route), status: response.status }).toEqual({ route: sortKey(route), status: 401 });
    }
  });

  it('refuses each role that a route does not allow with 403', async () => {
    const tokens: Record<string, string> = { superadmin: root, admin: tenant.admin.token, agent: agent.token };
    for (const route of routes.filter((r) => r.access !== 'public')) {
      const allowed = route.access.split(',');
      for (const role of Object.keys(tokens).filter((r) => !allowed.includes(r))) {
        const response = await call(route, tokens[role]);
        expect({ route: sortKey(route), role, status: response.status }).toEqual({
          route: sortKey(route),
          role,
          status: 403,
        });
      }
    }
  });

  it('does not let the superadmin read tenant data', async () => {
    await testApp.http().get('/api/v1/users').auth(root, { type: 'bearer' }).expect(403);
  });
});
