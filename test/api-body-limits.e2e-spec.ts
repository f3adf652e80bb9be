import { startTestApp, type TestApp } from './support/test-app';
import { createTenant, type TestTenant } from './support/tenants';

describe('request bodies: the documented sizes fit, a missing Content-Type and unknown filters are named', () => {
  let testApp: TestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    testApp = await startTestApp();
    tenant = await createTenant(testApp);
  });
  afterAll(() => testApp.close());

  const auth = () => ({ Authorization: `Bearer ${tenant.admin.token}` });

  async function ticket(): Promise<string> {
    const response = await testApp
      .http()
      .post('/api/v1/tickets')
      .set(auth())
      .send({ subject: 'Long story', body: 'It began', requesterEmail: 'carla@customer.example' })
      .expect(201);
    return response.body.id;
  }

  it('takes a comment of 100,000 characters of three-byte UTF-8 (300 KB); refuses 513 KB with 413 naming the limit', async () => {
    const id = await ticket();
    const body = '€'.repeat(100_000);
    expect(Buffer.byteLength(JSON.stringify({ body }))).toBeGreaterThan(100 * 1024);
    await testApp.http().post(`/api/v1/tickets/${id}/comments`).set(auth()).send({ body }).expect(201);
    const detail = await testApp.http().get(`/api/v1/tickets/${id}`).set(auth()).expect(200);
    expect(detail.body.comments.some((comment: { body: string }) => comment.body === body)).toBe(true);

    const tooLarge = await testApp
      .http()
      .post(`/api/v1/tickets/${id}/comments`)
      .set(auth())
      .send({ body: 'x'.repeat(513 * 1024) })
      .expect(413);
    expect(tooLarge.body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(tooLarge.body.message).toMatch(/512 KB/);
    // One character over the documented field limit is the validation's 400, not the body limit.
    const overField = await testApp
      .http()
      .post(`/api/v1/tickets/${id}/comments`)
      .set(auth())
      .send({ body: 'x'.repeat(100_001) })
      .expect(400);
    expect(overField.body.details[0].field).toBe('body');
  });

  it('answers a JSON body without a Content-Type with 415 saying so', async () => {
    const id = await ticket();
    const response = await testApp
      .http()
      .post(`/api/v1/tickets/${id}/comments`)
      .set(auth())
      .unset('Content-Type')
      .send(Buffer.from(JSON.stringify({ body: 'No header' })))
      .expect(415);
    expect(response.body).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(response.body.message).toMatch(/Content-Type/);
    expect(response.body.requestId).toBe(response.headers['x-request-id']);
    const detail = await testApp.http().get(`/api/v1/tickets/${id}`).set(auth()).expect(200);
    expect(detail.body.comments.map((comment: { body: string }) => comment.body)).not.toContain('No header');
  });

  it('refuses an unknown status filter on the failures list with 400 instead of listing open failures', async () => {
    const response = await testApp.http().get('/api/v1/sync/failures?status=everything').set(auth()).expect(400);
    expect(response.body.details[0].field).toBe('status');
    for (const status of ['open', 'resolved', 'dismissed']) {
      await testApp.http().get(`/api/v1/sync/failures?status=${status}`).set(auth()).expect(200);
    }
    await testApp.http().get('/api/v1/sync/failures').set(auth()).expect(200);
  });
});
