import { DataSource } from 'typeorm';
import type { InboundEmail } from '../src/tickets/inbound-email';
import { inboundEmail } from './support/inbound-email';
import { TicketsService } from '../src/tickets/tickets.service';
import { usingPostgres } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';
import { createTenant, TestTenant, TestUser } from './support/tenants';

/** The agents' read API over HTTP: the list, its pages, filters and search (the detail: tickets-api-detail). */
describe('tickets: read API, the list', () => {
  let testApp: TestApp;
  let tickets: TicketsService;
  let tenant: TestTenant;
  let other: TestTenant;
  let agent: TestUser;

  const email = (overrides: Partial<InboundEmail> = {}): InboundEmail =>
    inboundEmail({
      subject: 'Hello',
      from: { address: 'carla@customer.test', name: 'Carla Customer' },
      text: 'Body text',
      ...overrides,
    });
  const get = (path: string, token = agent.token) => testApp.http().get(path).auth(token, { type: 'bearer' });
  const sql = (query: string) => testApp.app.get(DataSource).query(query);

  beforeAll(async () => {
    testApp = await startTestApp();
    tickets = testApp.app.get(TicketsService);
    tenant = await createTenant(testApp, 'Helpdesk Org');
    other = await createTenant(testApp, 'Other Org');
    agent = await tenant.addUser('agent');
  });
  afterAll(() => testApp.close());

  describe('list', () => {
    let ids: string[];

    beforeAll(async () => {
      const subjects = ['Printer on fire', 'VPN down', 'Invoice 100% wrong', 'Password reset', 'printer again'];
      ids = [];
      for (const [index, subject] of subjects.entries()) {
        const from =
          index % 2 === 0
            ? { address: 'carla@customer.test', name: 'Carla Customer' }
            : { address: 'dan@customer.test', name: 'Dan' };
        ids.push(
          (
            await tickets.createTicketFromEmail(
              tenant.organizationId,
              email({ subject, from, text: index === 3 ? 'my toner_cartridge leaks' : 'details' }),
            )
          ).ticketId,
        );
      }
      // Activity order: the third ticket got the latest reply; the fourth is assigned and pending.
      await tickets.addEmailComment(tenant.organizationId, ids[2], email({ text: 'any news about the gateway?' }));
      await testApp
        .http()
        .patch(`/api/v1/tickets/${ids[3]}`)
        .auth(agent.token, { type: 'bearer' })
        .send({ assigneeId: agent.id, status: 'pending' })
        .expect(200);
      await tickets.createTicketFromEmail(other.organizationId, email({ subject: 'Printer elsewhere' }));
    });

    it('lists newest activity first with requester and assignee', async () => {
      const response = await get('/api/v1/tickets').expect(200);
      expect(response.body).toMatchObject({ total: 5, page: 1, pageSize: 25 });
      expect(response.body.items.map((item: { id: string }) => item.id)).toEqual([
        ids[2],
        ids[4],
        ids[3],
        ids[1],
        ids[0],
      ]);
      const assigned = response.body.items.find((item: { id: string }) => item.id === ids[3]);
      expect(assigned).toEqual({
        id: ids[3],
        number: 4,
        subject: 'Password reset',
        status: 'pending',
        priority: 'normal',
        requester: { email: 'dan@customer.test', name: 'Dan' },
        assignee: { id: agent.id, name: expect.stringMatching(/^agent /) },
        source: 'email',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        lastActivityAt: expect.any(String),
      });
      expect(response.body.items[0].assignee).toBeNull();
    });

    it('gives the same ISO 8601 times in the list as in the ticket, to the millisecond', async () => {
      const list = await get('/api/v1/tickets').expect(200);
      for (const item of list.body.items as Record<string, unknown>[]) {
        const detail = await get(`/api/v1/tickets/${String(item.id)}`).expect(200);
        for (const field of ['createdAt', 'updatedAt', 'lastActivityAt']) {
          expect(item[field]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
          expect(item[field]).toBe(detail.body[field]);
        }
      }
      const [row] = (await sql(`SELECT created_at FROM tickets WHERE id = '${ids[0]}'`)) as { created_at: unknown }[];
      const stored = row.created_at instanceof Date ? row.created_at : new Date(`${String(row.created_at)}Z`);
      const first = (list.body.items as Record<string, unknown>[]).find((item) => item.id === ids[0]);
      expect(first?.createdAt).toBe(stored.toISOString());
    });

    (usingPostgres() ? it.skip : it)(
      "reads SQLite's other time shapes too (e.g. a default without milliseconds)",
      async () => {
        await sql(`UPDATE tickets SET created_at = '2026-01-02 03:04:05' WHERE id = '${ids[1]}'`);
        const list = await get('/api/v1/tickets').expect(200);
        const item = (list.body.items as Record<string, unknown>[]).find((candidate) => candidate.id === ids[1]);
        expect(item?.createdAt).toBe('2026-01-02T03:04:05.000Z');
        expect((await get(`/api/v1/tickets/${ids[1]}`).expect(200)).body.createdAt).toBe('2026-01-02T03:04:05.000Z');
      },
    );

    it('pages through the list in a stable order', async () => {
      const pages = await Promise.all(
        [1, 2, 3].map((page) => get(`/api/v1/tickets?page=${page}&pageSize=2`).expect(200)),
      );
      expect(pages.map((page) => page.body.items.map((item: { id: string }) => item.id))).toEqual([
        [ids[2], ids[4]],
        [ids[3], ids[1]],
        [ids[0]],
      ]);
      expect(pages.map((page) => [page.body.total, page.body.page, page.body.pageSize])).toEqual([
        [5, 1, 2],
        [5, 2, 2],
        [5, 3, 2],
      ]);
      // Past the end there is no row to carry the total; it is still given.
      expect((await get('/api/v1/tickets?page=9').expect(200)).body).toMatchObject({ items: [], total: 5 });
    });

    it.each([
      ['status=pending', [3]],
      ['status=new', [2, 4, 1, 0]],
      ['assignee=none', [2, 4, 1, 0]],
      ['requester=DAN@customer.test', [3, 1]],
      ['requester=nobody@customer.test', []],
      ['q=PRINTER', [4, 0]],
      ['q=gateway', [2]],
      ['q=100%25', [2]],
      ['q=toner_c', [3]],
      ['q=_', [3]],
      ['q=%25', [2]],
      ['q=on%20FIRE', [0]],
      ['q=NEWS%20ABOUT', [2]],
      ['q=pn', [1]],
      ['q=%22on%20fire%22', []],
      ['q=toner_cartridge%20leaks%20more', []],
      ['status=new&requester=carla@customer.test&q=printer', [4, 0]],
    ])('filters: %s', async (query: string, expected: number[]) => {
      const response = await get(`/api/v1/tickets?${query}`).expect(200);
      expect(response.body.items.map((item: { id: string }) => ids.indexOf(item.id))).toEqual(expected);
      expect(response.body.total).toBe(expected.length);
    });

    it('filters by assignee id', async () => {
      const response = await get(`/api/v1/tickets?assignee=${agent.id}`).expect(200);
      expect(response.body.items.map((item: { id: string }) => item.id)).toEqual([ids[3]]);
    });

    it.each([
      'status=done',
      'page=0',
      'pageSize=101',
      'pageSize=abc',
      'assignee=bob',
      'requester=not-an-email',
      'unknown=1',
    ])('refuses a bad query: %s', async (query: string) => {
      const response = await get(`/api/v1/tickets?${query}`).expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    });

    it("shows only the caller's organization", async () => {
      const response = await get('/api/v1/tickets', other.admin.token).expect(200);
      expect(response.body.items.map((item: { subject: string }) => item.subject)).toEqual(['Printer elsewhere']);
    });
  });

  describe('search pages', () => {
    let searcher: TestTenant;
    const ids = (response: { body: { items: { id: string }[] } }) => response.body.items.map((item) => item.id);
    const as = (path: string) => get(path, searcher.admin.token).expect(200);

    beforeAll(async () => {
      searcher = await createTenant(testApp, 'Search Org');
      // Half the tickets mention toner, in the subject or only in the body; one mentions a widget.
      for (let index = 0; index < 40; index += 1) {
        const toner = index % 2 === 0 ? (index % 4 === 0 ? 'subject' : 'body') : null;
        await tickets.createTicketFromEmail(
          searcher.organizationId,
          email({
            subject: toner === 'subject' ? `Toner question ${index}` : `Question ${index}`,
            text: toner === 'body' ? 'the toner is empty' : index === 7 ? 'a widget broke' : 'details',
          }),
        );
      }
    });

    it('gives the same matches in the same order, page by page or all at once, with the exact total', async () => {
      const everything = ids(await as('/api/v1/tickets?pageSize=100'));
      const matching = new Set(ids(await as('/api/v1/tickets?pageSize=100&q=toner')));
      expect(matching.size).toBe(20);
      const byPage: string[] = [];
      for (let page = 1; page <= 4; page += 1) {
        const response = await as(`/api/v1/tickets?pageSize=5&page=${page}&q=TONER`);
        expect(response.body.total).toBe(20);
        byPage.push(...ids(response));
      }
      expect(byPage).toEqual(everything.filter((id) => matching.has(id)));
      expect((await as('/api/v1/tickets?pageSize=5&page=5&q=toner')).body).toMatchObject({ items: [], total: 20 });
    });

    it('finds a rare match and nothing for an absent one', async () => {
      const rare = await as('/api/v1/tickets?q=widget');
      expect(rare.body.items.map((item: { subject: string }) => item.subject)).toEqual(['Question 7']);
      expect(rare.body.total).toBe(1);
      expect((await as('/api/v1/tickets?q=gadget')).body).toMatchObject({ items: [], total: 0 });
    });
  });
});
