import { randomBytes } from 'node:crypto';
import type { TestApp } from './test-app';

/** Anything with an HTTP client for the API: an in-process app or a spawned service. */
export type ApiClient = Pick<TestApp, 'http'>;
import { SUPERADMIN } from './test-app';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  token: string;
}

export interface TestTenant {
  organizationId: string;
  name: string;
  admin: TestUser;
  /** Adds a user of the given role to this organization and logs them in. */
  addUser(role: 'admin' | 'agent'): Promise<TestUser>;
}

export async function login(testApp: ApiClient, email: string, password: string): Promise<string> {
  const response = await testApp.http().post('/api/v1/auth/login').send({ email, password }).expect(200);
  return (response.body as { accessToken: string }).accessToken;
}

/**
 * The superadmin's token, signed in once per app: specs that make dozens of organizations at once would
 * otherwise sign the same account in from the same address dozens of times in parallel, which the
 * sign-in throttle refuses as it would a guesser's burst.
 */
const superadminTokens = new WeakMap<ApiClient, Promise<string>>();

export function superadminToken(testApp: ApiClient): Promise<string> {
  let token = superadminTokens.get(testApp);
  if (!token) {
    token = login(testApp, SUPERADMIN.email, SUPERADMIN.password);
    // A failed sign-in is not kept: the next call tries again.
    token.catch(() => superadminTokens.delete(testApp));
    superadminTokens.set(testApp, token);
  }
  return token;
}

/** One line to get an organization with a logged-in admin. */
export async function createTenant(
  testApp: ApiClient,
  name = `Org ${randomBytes(3).toString('hex')}`,
): Promise<TestTenant> {
  const root = await superadminToken(testApp);
  const slug = randomBytes(4).toString('hex');
  const adminAccount = { email: `admin-${slug}@tenant.test`, password: `admin-password-${slug}`, name: 'Tenant Admin' };
  const created = await testApp
    .http()
    .post('/api/v1/organizations')
    .auth(root, { type: 'bearer' })
    .send({ name, admin: adminAccount })
    .expect(201);
  const organizationId = (created.body as { id: string }).id;
  const adminToken = await login(testApp, adminAccount.email, adminAccount.password);
  const me = await testApp.http().get('/api/v1/me').auth(adminToken, { type: 'bearer' }).expect(200);
  const admin = {
    id: (me.body as { id: string }).id,
    email: adminAccount.email,
    password: adminAccount.password,
    token: adminToken,
  };
  return {
    organizationId,
    name,
    admin,
    addUser: async (role) => {
      const userSlug = randomBytes(4).toString('hex');
      const account = {
        email: `${role}-${userSlug}@tenant.test`,
        password: `${role}-password-${userSlug}`,
        name: `${role} ${userSlug}`,
        role,
      };
      const response = await testApp
        .http()
        .post('/api/v1/users')
        .auth(adminToken, { type: 'bearer' })
        .send(account)
        .expect(201);
      const token = await login(testApp, account.email, account.password);
      return { id: (response.body as { id: string }).id, email: account.email, password: account.password, token };
    },
  };
}
