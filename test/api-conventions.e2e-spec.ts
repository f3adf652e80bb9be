import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './support/test-app';
import { createTenant, login, superadminToken, TestTenant } from './support/tenants';

describe('API conventions: errors, validation, users, health, Swagger', () => {
  let testApp: TestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    testApp = await startTestApp();
    tenant = await createTenant(testApp, 'Acme');
  });
  afterAll(() => testApp.close());

  const asAdmin = () => ({ Authorization: `Bearer ${tenant.admin.token}` });

  it('answers a bad body with 400 listing every failing field, and the request id of the X-Request-Id header', async () => {
    const response = await testApp
      .http()
      .post('/api/v1/users')
      .set(asAdmin())
      .send({ email: 'not-an-email', password: 'short', role: 'king', extra: 1 })
      .expect(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'VALIDATION_FAILED' });
    expect(response.body.requestId).toBe(response.headers['x-request-id']);
    const fields = (response.body.details as { field: string }[]).map((d) => d.field).sort();
    expect(fields).toEqual(['email', 'extra', 'name', 'password', 'role']);
  });

  it('validates nested objects by path', async () => {
    const root = await superadminToken(testApp);
    const response = await testApp
      .http()
      .post('/api/v1/organizations')
      .auth(root, { type: 'bearer' })
      .send({ name: 'X', admin: { email: 'bad' } })
      .expect(400);
    expect((response.body.details as { field: string }[]).map((d) => d.field).sort()).toEqual([
      'admin.email',
      'admin.name',
      'admin.password',
    ]);
  });

  it('keeps an incoming well-formed X-Request-Id', async () => {
    const response = await testApp.http().get('/api/v1/me').set('X-Request-Id', 'trace-abc-123').expect(401);
    expect(response.headers['x-request-id']).toBe('trace-abc-123');
    expect(response.body.requestId).toBe('trace-abc-123');
  });

  it('answers an unknown route with the same error shape', async () => {
    const response = await testApp.http().get('/api/v1/nope').set(asAdmin()).expect(404);
    expect(response.body).toMatchObject({
      statusCode: 404,
      error: 'Not Found',
      code: 'NOT_FOUND',
      requestId: expect.any(String),
    });
  });

  it('creates, lists and updates users; a duplicate email is 409; the last admin cannot be demoted', async () => {
    const created = await testApp
      .http()
      .post('/api/v1/users')
      .set(asAdmin())
      .send({ email: 'Agent.Smith@Acme.test', password: 'agent-password-123', name: 'Agent Smith', role: 'agent' })
      .expect(201);
    expect(created.body).toMatchObject({ email: 'agent.smith@acme.test', role: 'agent', disabled: false });
    expect(created.body).not.toHaveProperty('passwordHash');
    expect(JSON.stringify(created.body)).not.toContain('agent-password-123');
    await testApp
      .http()
      .post('/api/v1/users')
      .set(asAdmin())
      .send({ email: 'agent.smith@acme.test', password: 'agent-password-123', name: 'Again', role: 'agent' })
      .expect(409);
    const promoted = await testApp
      .http()
      .patch(`/api/v1/users/${created.body.id}`)
      .set(asAdmin())
      .send({ role: 'admin' })
      .expect(200);
    expect(promoted.body.role).toBe('admin');
    const token = await login(testApp, 'agent.smith@acme.test', 'agent-password-123');
    await testApp.http().get('/api/v1/users').auth(token, { type: 'bearer' }).expect(200);
    await testApp.http().patch(`/api/v1/users/${created.body.id}`).set(asAdmin()).send({ disabled: true }).expect(200);
    const lastAdmin = await testApp
      .http()
      .patch(`/api/v1/users/${tenant.admin.id}`)
      .set(asAdmin())
      .send({ role: 'agent' })
      .expect(409);
    expect(lastAdmin.body.code).toBe('LAST_ADMIN');
    const list = await testApp.http().get('/api/v1/users').set(asAdmin()).expect(200);
    expect((list.body as { email: string }[]).map((u) => u.email).sort()).toEqual(
      ['agent.smith@acme.test', tenant.admin.email].sort(),
    );
  });

  it('refuses an organization whose admin email is taken, and creates nothing', async () => {
    const root = await superadminToken(testApp);
    const before = await testApp.http().get('/api/v1/organizations').auth(root, { type: 'bearer' }).expect(200);
    await testApp
      .http()
      .post('/api/v1/organizations')
      .auth(root, { type: 'bearer' })
      .send({ name: 'Clash', admin: { email: tenant.admin.email, password: 'another-password-1', name: 'Clash' } })
      .expect(409);
    const after = await testApp.http().get('/api/v1/organizations').auth(root, { type: 'bearer' }).expect(200);
    expect(after.body).toEqual(before.body);
  });

  it('serves Swagger UI and an OpenAPI document with bearer auth', async () => {
    const ui = await testApp.http().get('/docs').redirects(1).expect(200);
    expect(ui.text).toContain('swagger');
    const doc = await testApp.http().get('/docs-json').expect(200);
    expect(doc.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.body.paths['/api/v1/users'].post.requestBody).toBeDefined();
  });

  it('reports health 200 while the database answers and 503 when it does not', async () => {
    const healthy = await testApp.http().get('/health').expect(200);
    expect(healthy.body).toMatchObject({ status: 'ok', info: { database: { status: 'up', state: 'ok' } } });
    const separate = await testApp.restart();
    testApp = separate;
    await separate.app.get(DataSource).destroy();
    const down = await separate.http().get('/health').expect(503);
    expect(down.body).toMatchObject({
      statusCode: 503,
      details: { status: 'error', error: { database: { status: 'down', state: 'unreachable' } } },
    });
  });
});
