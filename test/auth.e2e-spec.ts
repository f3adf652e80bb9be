import { JwtService } from '@nestjs/jwt';
import { JWT_SECRET } from '../src/auth/jwt-secret';
import { startTestApp, SUPERADMIN, TestApp } from './support/test-app';
import { createTenant, login, TestTenant } from './support/tenants';

describe('auth (HTTP, real database)', () => {
  let testApp: TestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    testApp = await startTestApp({ LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '3', LOGIN_MAX_ATTEMPTS_PER_IP: '1000' });
    tenant = await createTenant(testApp);
  });
  afterAll(() => testApp.close());

  const me = (token?: string) => {
    const call = testApp.http().get('/api/v1/me');
    return token === undefined ? call : call.set('Authorization', `Bearer ${token}`);
  };

  it('logs in with the right password and the token identifies the user', async () => {
    const response = await testApp
      .http()
      .post('/api/v1/auth/login')
      .send({ email: tenant.admin.email, password: tenant.admin.password })
      .expect(200);
    expect(response.body).toEqual({
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 3600,
      mustChangePassword: false,
    });
    const whoami = await me(response.body.accessToken).expect(200);
    expect(whoami.body).toMatchObject({
      email: tenant.admin.email,
      role: 'admin',
      organization: { id: tenant.organizationId },
    });
  });

  it('accepts the email in any letter case', async () => {
    await login(testApp, tenant.admin.email.toUpperCase(), tenant.admin.password);
  });

  it('answers a wrong password and an unknown user with the same 401', async () => {
    const wrong = await testApp
      .http()
      .post('/api/v1/auth/login')
      .send({ email: SUPERADMIN.email, password: 'not-the-password' })
      .expect(401);
    const unknown = await testApp
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'nobody@nowhere.test', password: 'not-the-password' })
      .expect(401);
    const strip = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
    expect(wrong.body.message).toBe('Wrong email or password');
  });

  it('rate-limits failed logins per account with 429 and Retry-After, even for the right password', async () => {
    const agent = await tenant.addUser('agent');
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await testApp
        .http()
        .post('/api/v1/auth/login')
        .send({ email: agent.email, password: 'guess-guess-guess' })
        .expect(401);
    }
    const limited = await testApp
      .http()
      .post('/api/v1/auth/login')
      .send({ email: agent.email, password: agent.password })
      .expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ statusCode: 429, code: 'TOO_MANY_REQUESTS' });
  });

  it('refuses a missing, tampered or expired token with 401', async () => {
    await me().expect(401);
    await me('not-a-jwt').expect(401);
    const [header, payload, signature] = tenant.admin.token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'someone-else' }),
    ).toString('base64url');
    await me(`${header}.${forged}.${signature}`).expect(401);
    await me(`${header}.${payload}.${signature.slice(0, -4)}AAAA`).expect(401);
    const jwt = new JwtService({ secret: testApp.app.get<string>(JWT_SECRET) });
    const expired = jwt.sign({ sub: tenant.admin.id }, { expiresIn: -10 });
    const response = await me(expired).expect(401);
    expect(response.body).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED', requestId: expect.any(String) });
    const otherKey = new JwtService({ secret: 'x'.repeat(40) }).sign({ sub: tenant.admin.id });
    await me(otherKey).expect(401);
  });

  it("stops a disabled user's existing token and refuses their login", async () => {
    const agent = await tenant.addUser('agent');
    await me(agent.token).expect(200);
    await testApp
      .http()
      .patch(`/api/v1/users/${agent.id}`)
      .auth(tenant.admin.token, { type: 'bearer' })
      .send({ disabled: true })
      .expect(200);
    await me(agent.token).expect(401);
    await testApp.http().post('/api/v1/auth/login').send({ email: agent.email, password: agent.password }).expect(401);
  });
});

describe('auth rate limit per IP', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp({ LOGIN_MAX_ATTEMPTS_PER_IP: '4', LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '100' });
  });
  afterAll(() => testApp.close());

  it('limits one IP guessing across many accounts', async () => {
    for (let attempt = 0; attempt < 4; attempt += 1) {
      await testApp
        .http()
        .post('/api/v1/auth/login')
        .send({ email: `user${attempt}@spray.test`, password: 'guess-guess-guess' })
        .expect(401);
    }
    const limited = await testApp
      .http()
      .post('/api/v1/auth/login')
      .send({ email: SUPERADMIN.email, password: SUPERADMIN.password })
      .expect(429);
    expect(limited.headers['retry-after']).toBeDefined();
  });
});
