import { readRouteTable } from './support/route-table';
import { startTestApp, TestApp } from './support/test-app';
import { createTenant, TestTenant } from './support/tenants';

/**
 * Every id-taking route, called with another organization's token, answers 404 exactly like a
 * missing id, and changes nothing. Each entry creates its resource in the victim organization.
 */
interface IsolationCase {
  method: 'get' | 'patch' | 'put' | 'post' | 'delete';
  path: string;
  createInVictim: (victim: TestTenant) => Promise<string>;
  body: Record<string, unknown>;
  /** Reads the resource back as its owner, to prove nothing changed. */
  readAsOwner: (victim: TestTenant, id: string) => Promise<unknown>;
}

describe('tenant isolation', () => {
  let testApp: TestApp;
  let victim: TestTenant;
  let attacker: TestTenant;

  const cases: IsolationCase[] = [
    {
      method: 'patch',
      path: '/api/v1/users/{id}',
      createInVictim: async (tenant) => (await tenant.addUser('agent')).id,
      body: { role: 'admin', disabled: true },
      readAsOwner: async (tenant, id) => {
        const response = await testApp.http().get('/api/v1/users').auth(tenant.admin.token, { type: 'bearer' }).expect(200);
        return (response.body as { id: string }[]).find((user) => user.id === id);
      },
    },
  ];

  beforeAll(async () => {
    testApp = await startTestApp();
    victim = await createTenant(testApp, 'Victim Org');
    attacker = await createTenant(testApp, 'Attacker Org');
  });
  afterAll(() => testApp.close());

  it('covers every id-taking route of the API', async () => {
    const idRoutes = (await readRouteTable(testApp)).filter((route) => route.path.includes('{'));
    expect(idRoutes.map((r) => `${r.method} ${r.path}`).sort()).toEqual(cases.map((c) => `${c.method.toUpperCase()} ${c.path}`).sort());
  });

  for (const testCase of cases) {
    it(`${testCase.method.toUpperCase()} ${testCase.path}: another organization gets 404 and changes nothing`, async () => {
      const id = await testCase.createInVictim(victim);
      const before = await testCase.readAsOwner(victim, id);
      const url = testCase.path.replace(/\{[^}]+\}/, id);
      const foreign = await testApp.http()[testCase.method](url).auth(attacker.admin.token, { type: 'bearer' }).send(testCase.body);
      const missing = await testApp.http()[testCase.method](testCase.path.replace(/\{[^}]+\}/, '11111111-1111-4111-8111-111111111111'))
        .auth(attacker.admin.token, { type: 'bearer' })
        .send(testCase.body);
      expect(foreign.status).toBe(404);
      expect({ ...foreign.body, requestId: null }).toEqual({ ...missing.body, requestId: null });
      expect(await testCase.readAsOwner(victim, id)).toEqual(before);
    });
  }

  it('lists only the callers own users', async () => {
    const response = await testApp.http().get('/api/v1/users').auth(attacker.admin.token, { type: 'bearer' }).expect(200);
    expect((response.body as { email: string }[]).map((u) => u.email)).toEqual([attacker.admin.email]);
  });
});
