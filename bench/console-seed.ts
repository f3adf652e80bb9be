import type { TestApp } from '../test/support/test-app';

/** Opens `count` tickets through the API, so the console's list has a full first page to render. */
export async function makeTicketsFor(testApp: TestApp, token: string, count: number): Promise<void> {
  for (let index = 1; index <= count; index += 1) {
    await testApp
      .http()
      .post('/api/v1/tickets')
      .auth(token, { type: 'bearer' })
      .send({
        subject: `Seeded ticket ${index}`,
        body: 'Seeded for the console bench.',
        requesterEmail: 'c@customer.test',
      })
      .expect(201);
  }
}
