import { startTestApp, type TestApp } from './support/test-app';
import { createTenant, type TestTenant } from './support/tenants';

/**
 * The routes that reach a tenant's mail servers on demand are limited per organization: the (N+1)th call
 * in the window is a 429 with Retry-After, and another organization keeps its own allowance. Nothing is
 * saved, so each allowed call ends in its usual 404/409 without touching a mail server.
 */
describe('per-organization rate limits', () => {
  let testApp: TestApp;
  let tenant: TestTenant;
  let other: TestTenant;

  beforeAll(async () => {
    testApp = await startTestApp({
      ORG_RATE_WINDOW_SECONDS: '600',
      ORG_RATE_MAIL_TESTS: '3',
      ORG_RATE_VERIFY: '1',
      ORG_RATE_SYNC_NOW: '2',
    });
    [tenant, other] = await Promise.all([createTenant(testApp), createTenant(testApp)]);
  });
  afterAll(async () => {
    await testApp?.close();
  });

  const call = (who: TestTenant, path: string, token = who.admin.token) => {
    const request = testApp.http().post(`/api/v1/${path}`).auth(token, { type: 'bearer' });
    return path.endsWith('outgoing/test') ? request.send({ to: 'customer@example.test' }) : request;
  };

  const expectLimited = async (who: TestTenant, path: string, what: RegExp) => {
    const response = await call(who, path).expect(429);
    expect(response.body).toMatchObject({ code: 'TOO_MANY_REQUESTS', message: expect.stringMatching(what) });
    const retryAfter = Number(response.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
  };

  it('counts incoming and outgoing connection tests together', async () => {
    await call(tenant, 'settings/email/incoming/test').expect(404);
    await call(tenant, 'settings/email/outgoing/test').expect(404);
    await call(tenant, 'settings/email/incoming/test').expect(404);
    await expectLimited(
      tenant,
      'settings/email/outgoing/test',
      /Too many connection tests .* try again in \d+ seconds/,
    );
    await expectLimited(tenant, 'settings/email/incoming/test', /connection tests/);
    await call(other, 'settings/email/incoming/test').expect(404);
  });

  it('limits the round trip on its own', async () => {
    await call(tenant, 'settings/email/verify').expect(404);
    await expectLimited(tenant, 'settings/email/verify', /round-trip checks/);
    await call(other, 'settings/email/verify').expect(404);
  });

  it('limits sync now, without counting calls the caller may not make', async () => {
    const agent = await tenant.addUser('agent');
    for (let i = 0; i < 3; i += 1) await call(tenant, 'sync/now', agent.token).expect(403);
    await call(tenant, 'sync/now').expect(409);
    await call(tenant, 'sync/now').expect(409);
    await expectLimited(tenant, 'sync/now', /sync-now requests/);
    await call(other, 'sync/now').expect(409);
    await call(other, 'sync/now').expect(409);
  });
});
