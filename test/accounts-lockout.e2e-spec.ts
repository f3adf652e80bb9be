import { startTestApp, TestApp } from './support/test-app';
import { createTenant, TestTenant, TestUser } from './support/tenants';

/** Sign-in throttling by (account, client address), per address and per account; addresses via X-Forwarded-For. */
const THROTTLE_ENV = {
  TRUST_PROXY: 'true',
  LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '5',
  LOGIN_MAX_ATTEMPTS_PER_IP: '1000',
  LOGIN_ACCOUNT_CEILING: '12',
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function throttledApp(env: Record<string, string>) {
  const context = {} as { testApp: TestApp; tenant: TestTenant };
  beforeAll(async () => {
    context.testApp = await startTestApp({ ...THROTTLE_ENV, ...env });
    context.tenant = await createTenant(context.testApp);
  });
  afterAll(() => context.testApp.close());
  const signIn = (user: Pick<TestUser, 'email'>, password: string, address: string) =>
    context.testApp
      .http()
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', address)
      .send({ email: user.email, password });
  return { context, signIn };
}

describe('accounts: sign-in throttling (HTTP, real database)', () => {
  // The default window (900 s): the first delay past the allowance is 14 s, longer than this test.
  const { context, signIn } = throttledApp({});

  it('lets no more than the allowance of 60 parallel wrong passwords be checked, and a second address still signs in', async () => {
    const agent = await context.tenant.addUser('agent');
    const responses = await Promise.all(
      Array.from({ length: 60 }, () => signIn(agent, 'wrong-password-guess', '198.51.100.10')),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(55);
    const limited = responses.find((response) => response.status === 429);
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited?.body).toMatchObject({ statusCode: 429, code: 'TOO_MANY_REQUESTS' });

    // The user, elsewhere, is not locked out by the attacker's address...
    const elsewhere = await signIn(agent, agent.password, '203.0.113.20').expect(200);
    expect(elsewhere.body).toMatchObject({ tokenType: 'Bearer', mustChangePassword: false });
    await context.testApp.http().get('/api/v1/me').auth(elsewhere.body.accessToken, { type: 'bearer' }).expect(200);
    // ...while the attacker's address stays throttled, even with the right password.
    await signIn(agent, agent.password, '198.51.100.10').expect(429);
  });

  it('keeps a ceiling per account over all addresses together', async () => {
    const agent = await context.tenant.addUser('agent');
    for (const address of ['198.51.100.41', '198.51.100.42']) {
      for (let attempt = 0; attempt < 5; attempt += 1) await signIn(agent, 'wrong-password-guess', address).expect(401);
    }
    for (let attempt = 0; attempt < 2; attempt += 1) {
      await signIn(agent, 'wrong-password-guess', '198.51.100.43').expect(401);
    }
    // Twelve failures from three addresses: a fourth address waits too.
    const limited = await signIn(agent, agent.password, '198.51.100.44').expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another account from the same addresses is not affected.
    const other = await context.tenant.addUser('agent');
    await signIn(other, other.password, '198.51.100.44').expect(200);
  });

  it('resets the count of an (account, address) pair on a successful sign-in', async () => {
    const agent = await context.tenant.addUser('agent');
    const address = '198.51.100.50';
    for (let round = 0; round < 2; round += 1) {
      for (let attempt = 0; attempt < 4; attempt += 1) await signIn(agent, 'wrong-password-guess', address).expect(401);
      await signIn(agent, agent.password, address).expect(200);
    }
  });
});

describe('accounts: growing sign-in delays (HTTP, real database)', () => {
  // Delays start at a second (window / 64) and double; a quiet key is forgotten after 64 s.
  const { context, signIn } = throttledApp({ LOGIN_RATE_WINDOW_SECONDS: '64' });

  it('makes each attempt past the allowance wait longer than the one before, instead of a fixed lock', async () => {
    const agent = await context.tenant.addUser('agent');
    const address = '198.51.100.30';
    for (let attempt = 0; attempt < 5; attempt += 1) await signIn(agent, 'wrong-password-guess', address).expect(401);
    const first = Number((await signIn(agent, agent.password, address).expect(429)).headers['retry-after']);
    await sleep(first * 1000 + 200);
    await signIn(agent, 'wrong-password-guess', address).expect(401);
    const second = Number((await signIn(agent, agent.password, address).expect(429)).headers['retry-after']);
    expect(second).toBeGreaterThan(first);
    await sleep(second * 1000 + 200);
    // Not locked: once the delay is over the right password goes through.
    await signIn(agent, agent.password, address).expect(200);
  });
});
