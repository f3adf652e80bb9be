import { JwtService } from '@nestjs/jwt';
import { JWT_SECRET } from '../src/auth/jwt-secret';
import { startTestApp, SUPERADMIN, TestApp } from './support/test-app';
import { createTenant, login, superadminToken, TestTenant } from './support/tenants';

/** Changing passwords, temporary passwords, the policy and token rules; no platform mail server here. */
describe('accounts: passwords (HTTP, real database)', () => {
  let testApp: TestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    testApp = await startTestApp();
    tenant = await createTenant(testApp);
  });
  afterAll(() => testApp.close());

  const me = (token: string) => testApp.http().get('/api/v1/me').auth(token, { type: 'bearer' });
  const changePassword = (token: string, currentPassword: string, newPassword: string) =>
    testApp.http().post('/api/v1/me/password').auth(token, { type: 'bearer' }).send({ currentPassword, newPassword });

  it('changes the password: every older token stops working, the fresh one and the new password work', async () => {
    const agent = await tenant.addUser('agent');
    const otherSession = await login(testApp, agent.email, agent.password);
    const changed = await changePassword(agent.token, agent.password, 'a brand new passphrase 7').expect(200);
    expect(changed.body).toEqual({
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 3600,
      mustChangePassword: false,
    });
    await me(agent.token).expect(401);
    await me(otherSession).expect(401);
    await me(changed.body.accessToken).expect(200);
    await testApp.http().post('/api/v1/auth/login').send({ email: agent.email, password: agent.password }).expect(401);
    await login(testApp, agent.email, 'a brand new passphrase 7');
  });

  it('refuses a wrong current password with 403 and changes nothing', async () => {
    const agent = await tenant.addUser('agent');
    const refused = await changePassword(agent.token, 'not my password at all', 'a brand new passphrase 8').expect(403);
    expect(refused.body).toMatchObject({ statusCode: 403, code: 'CURRENT_PASSWORD_WRONG' });
    await me(agent.token).expect(200);
    await login(testApp, agent.email, agent.password);
  });

  it('refuses passwords against the policy on every path with a 400 that says why', async () => {
    const agent = await tenant.addUser('agent');
    const localPart = agent.email.split('@')[0];
    const cases: [string, RegExp][] = [
      ['short-one', /at least 12 characters/],
      ['password1234', /most common passwords/],
      ['Password1234', /most common passwords/],
      [agent.email, /email address/],
      [`${localPart}-2026!`, /email address or its name part/],
    ];
    for (const [password, reason] of cases) {
      const refused = await changePassword(agent.token, agent.password, password).expect(400);
      expect(refused.body).toMatchObject({ code: 'PASSWORD_POLICY', message: expect.stringMatching(reason) });
    }
    const created = await testApp
      .http()
      .post('/api/v1/users')
      .auth(tenant.admin.token, { type: 'bearer' })
      .send({ email: 'weak@tenant.test', password: 'qwerty123456', name: 'Weak', role: 'agent' })
      .expect(400);
    expect(created.body.code).toBe('PASSWORD_POLICY');
    const organization = await testApp
      .http()
      .post('/api/v1/organizations')
      .auth(await superadminToken(testApp), { type: 'bearer' })
      .send({ name: 'Weak Org', admin: { email: 'boss@weak.test', password: 'boss@weak.test', name: 'Boss' } })
      .expect(400);
    expect(organization.body.code).toBe('PASSWORD_POLICY');
    const temporary = await testApp
      .http()
      .post(`/api/v1/users/${agent.id}/temporary-password`)
      .auth(tenant.admin.token, { type: 'bearer' })
      .send({ temporaryPassword: '111111111111' })
      .expect(400);
    expect(temporary.body.code).toBe('PASSWORD_POLICY');
    // Nothing was changed by any of them.
    await login(testApp, agent.email, agent.password);
  });

  it('lets an admin set a temporary password that must be changed before anything else', async () => {
    const agent = await tenant.addUser('agent');
    await testApp
      .http()
      .post(`/api/v1/users/${agent.id}/temporary-password`)
      .auth(tenant.admin.token, { type: 'bearer' })
      .send({ temporaryPassword: 'temporary phrase 4 today' })
      .expect(204);
    await me(agent.token).expect(401);
    const signedIn = await testApp
      .http()
      .post('/api/v1/auth/login')
      .send({ email: agent.email, password: 'temporary phrase 4 today' })
      .expect(200);
    expect(signedIn.body.mustChangePassword).toBe(true);
    const token = signedIn.body.accessToken as string;
    const blocked = await testApp.http().get('/api/v1/tickets').auth(token, { type: 'bearer' }).expect(403);
    expect(blocked.body).toMatchObject({ statusCode: 403, code: 'PASSWORD_CHANGE_REQUIRED' });
    await me(token).expect(200);
    const changed = await changePassword(token, 'temporary phrase 4 today', 'my own phrase from now on').expect(200);
    expect(changed.body.mustChangePassword).toBe(false);
    await testApp.http().get('/api/v1/tickets').auth(changed.body.accessToken, { type: 'bearer' }).expect(200);
    const again = await testApp
      .http()
      .post('/api/v1/auth/login')
      .send({ email: agent.email, password: 'my own phrase from now on' })
      .expect(200);
    expect(again.body.mustChangePassword).toBe(false);
  });

  it("does not let an admin touch another organization's user", async () => {
    const other = await createTenant(testApp);
    const stranger = await other.addUser('agent');
    await testApp
      .http()
      .post(`/api/v1/users/${stranger.id}/temporary-password`)
      .auth(tenant.admin.token, { type: 'bearer' })
      .send({ temporaryPassword: 'temporary phrase 4 today' })
      .expect(404);
    await login(testApp, stranger.email, stranger.password);
  });

  it('says password mail is unavailable (503) when SYSTEM_SMTP_URL is not set', async () => {
    const reset = await testApp
      .http()
      .post('/api/v1/auth/password-reset')
      .send({ email: SUPERADMIN.email })
      .expect(503);
    expect(reset.body).toMatchObject({ statusCode: 503, code: 'SYSTEM_MAIL_UNAVAILABLE' });
    // The same answer for an unknown address: it tells nothing about accounts.
    const unknown = await testApp.http().post('/api/v1/auth/password-reset').send({ email: 'nobody@nowhere.test' });
    expect({ status: unknown.status, code: unknown.body.code }).toEqual({
      status: 503,
      code: 'SYSTEM_MAIL_UNAVAILABLE',
    });
    const invite = await testApp
      .http()
      .post('/api/v1/users')
      .auth(tenant.admin.token, { type: 'bearer' })
      .send({ email: 'invitee@tenant.test', name: 'Invitee', role: 'agent' })
      .expect(503);
    expect(invite.body.code).toBe('SYSTEM_MAIL_UNAVAILABLE');
    // No user was made without a way in.
    const users = await testApp.http().get('/api/v1/users').auth(tenant.admin.token, { type: 'bearer' }).expect(200);
    expect(users.body.map((user: { email: string }) => user.email)).not.toContain('invitee@tenant.test');
  });

  it('refuses a correctly signed token without an expiry', async () => {
    const jwt = new JwtService({ secret: testApp.app.get<string>(JWT_SECRET) });
    const forever = jwt.sign({ sub: tenant.admin.id, ver: 0 });
    expect(JSON.parse(Buffer.from(forever.split('.')[1], 'base64url').toString())).not.toHaveProperty('exp');
    await me(forever).expect(401);
    // The same claims with an expiry are accepted: the missing exp is what is refused.
    await me(jwt.sign({ sub: tenant.admin.id, ver: 0 }, { expiresIn: 60 })).expect(200);
  });
});
