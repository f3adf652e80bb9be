import { DataSource } from 'typeorm';
import { Comment } from '../src/tickets/comment.entity';
import type { InboundEmail } from '../src/tickets/inbound-email';
import { inboundEmail } from './support/inbound-email';
import { Ticket } from '../src/tickets/ticket.entity';
import { TicketsService } from '../src/tickets/tickets.service';
import { startTestApp, TestApp } from './support/test-app';
import { createTenant, TestTenant, TestUser } from './support/tenants';

interface Item {
  id: string;
  number: number;
  createdAt: string;
  updatedAt: string;
  lastActivityAt: string;
}
interface ListBody {
  items: Item[];
  total: number;
  page: number;
  pageSize: number;
  nextCursor: string | null;
}

const TICKETS = 300;
/** Tickets this far back are older than the two minutes an activity enumeration's order lags behind. */
const OLD = 60;

/**
 * Enumerating the ticket list with cursors (`nextCursor` → `cursor`): every ticket that existed when the
 * enumeration began comes exactly once while replies, notes and new tickets are written between and
 * during the page reads; each sort's order; `updatedSince`; what a bad cursor gets.
 */
describe('tickets: stable enumeration', () => {
  let testApp: TestApp;
  let tickets: TicketsService;
  let tenant: TestTenant;
  let other: TestTenant;
  let agent: TestUser;
  let byNumber: Map<number, string>;

  const email = (overrides: Partial<InboundEmail> = {}): InboundEmail =>
    inboundEmail({
      subject: 'Hello',
      from: { address: 'carla@customer.test', name: 'Carla Customer' },
      text: 'Body text',
      ...overrides,
    });
  const get = (path: string, token = agent.token) => testApp.http().get(path).auth(token, { type: 'bearer' });
  const list = async (query: string, token = agent.token): Promise<ListBody> =>
    (await get(`/api/v1/tickets?${query}`, token).expect(200)).body as ListBody;
  const agentReply = (number: number) =>
    testApp
      .http()
      .post(`/api/v1/tickets/${byNumber.get(number)}/comments`)
      .auth(agent.token, { type: 'bearer' })
      .send({ body: `About #${number}`, internal: number % 2 === 0 })
      .expect(201);

  /** Follows nextCursor from page 1 to the end; `between` runs before each later page, and alongside it. */
  async function enumerate(query: string, between: (page: number) => Promise<unknown> = async () => {}) {
    const pages: Item[][] = [];
    let body = await list(query);
    pages.push(body.items);
    while (body.nextCursor) {
      await between(pages.length);
      const cursor = encodeURIComponent(body.nextCursor);
      [body] = await Promise.all([list(`${query}&cursor=${cursor}`), between(pages.length)]);
      pages.push(body.items);
    }
    return pages.flat();
  }

  beforeAll(async () => {
    testApp = await startTestApp();
    tickets = testApp.app.get(TicketsService);
    tenant = await createTenant(testApp, 'Enumerated Org');
    other = await createTenant(testApp, 'Other Org');
    agent = await tenant.addUser('agent');
    byNumber = new Map();
    for (let index = 0; index < TICKETS; index += 1) {
      const created = await tickets.createTicketFromEmail(tenant.organizationId, email({ subject: `Case ${index}` }));
      byNumber.set(created.number, created.ticketId);
    }
    // Most of the history is old (an hour to a few hours back, an activity order nothing has moved since
    // its enumeration began); the last OLD tickets are from the last minutes, within its lag.
    const dataSource = testApp.app.get(DataSource);
    const now = Date.now();
    for (let number = 1; number <= TICKETS - OLD; number += 1) {
      const at = new Date(now - 3_600_000 - (TICKETS - number) * 37_000);
      const ticketId = byNumber.get(number)!;
      await dataSource
        .createQueryBuilder()
        .update(Ticket)
        .set({ createdAt: at, updatedAt: at, lastActivityAt: at })
        .where('id = :ticketId', { ticketId })
        .execute();
      await dataSource.createQueryBuilder().update(Comment).set({ createdAt: at }).where({ ticketId }).execute();
    }
    for (let index = 0; index < 3; index += 1) {
      await tickets.createTicketFromEmail(other.organizationId, email({ subject: `Elsewhere ${index}` }));
    }
  });
  afterAll(() => testApp.close());

  it('returns every ticket exactly once while replies, notes and new tickets move the list', async () => {
    const started = new Date().toISOString();
    let created = 0;
    // Between pages, and during each read: the oldest tickets not yet read get a reply (they jump to the
    // top, across the cursor), ones already read get one too, a system note lands, a ticket is opened.
    const between = async (page: number) => {
      const deep = 1 + ((page * 7) % 100);
      const recent = TICKETS - ((page * 5) % 60);
      const seen = TICKETS - OLD - ((page * 11) % 40);
      await agentReply(deep);
      await tickets.addEmailComment(tenant.organizationId, byNumber.get(deep + 100)!, email({ text: 'me again' }));
      await agentReply(recent);
      await agentReply(seen);
      await tickets.addSystemNote(tenant.organizationId, byNumber.get(deep + 50)!, 'A notification bounced');
      await tickets.createTicketFromEmail(tenant.organizationId, email({ subject: `New during ${page}` }));
      created += 1;
    };
    const items = await enumerate('pageSize=25', between);

    const counts = new Map<number, number>();
    for (const item of items) counts.set(item.number, (counts.get(item.number) ?? 0) + 1);
    const twice = [...counts].filter(([, count]) => count > 1).map(([number]) => number);
    const missing = [...byNumber.keys()].filter((number) => !counts.has(number));
    expect({ twice, missing }).toEqual({ twice: [], missing: [] });
    expect(created).toBeGreaterThan(10);
    // The writes did move tickets: now the list's first page is tickets replied to during the enumeration.
    const now = await list('pageSize=5');
    expect(now.items.every((item) => item.lastActivityAt > started)).toBe(true);
  });

  it('loses and repeats tickets with page numbers under the same writes (why cursors exist)', async () => {
    const numbers: number[] = [];
    for (let page = 1; page <= 4; page += 1) {
      numbers.push(...(await list(`pageSize=25&page=${page}`)).items.map((item) => item.number));
      // A reply to a ticket further down moves it onto a page already read, shifting the rest down.
      await agentReply((await list(`pageSize=1&page=${100 + page}`)).items[0].number);
    }
    expect(new Set(numbers).size).toBeLessThan(numbers.length);
  });

  it('orders by activity, creation or number, newest first, with a cursor for each', async () => {
    const total = (await list('pageSize=1')).total;
    const began = Date.now();
    const activity = await enumerate('pageSize=40');
    const created = await enumerate('sort=created&pageSize=40');
    const numbers = await enumerate('sort=number&pageSize=40');
    for (const items of [activity, created, numbers]) expect(items).toHaveLength(total);

    const descending = (values: (string | number)[]) => values.every((value, i) => i === 0 || values[i - 1] >= value);
    // An activity enumeration orders by activity as of two minutes before it began (the tickets replied
    // to since then by their activity before that); what is older than that is in its order.
    const settled = new Date(began - 2 * 60_000).toISOString();
    const unmoved = activity.filter((item) => item.lastActivityAt < settled);
    expect(unmoved.length).toBeGreaterThan(100);
    expect(descending(unmoved.map((item) => item.lastActivityAt))).toBe(true);
    const livePages = [];
    for (let page = 1; page * 100 < total + 100; page += 1)
      livePages.push(...(await list(`pageSize=100&page=${page}`)).items);
    expect(descending(livePages.map((item) => item.lastActivityAt))).toBe(true);
    expect(descending(created.map((item) => item.createdAt))).toBe(true);
    expect(numbers.map((item) => item.number)).toEqual([...numbers.map((item) => item.number)].sort((a, b) => b - a));
    expect(new Set(numbers.map((item) => item.number)).size).toBe(total);
    // Page numbers give the same orders.
    expect((await list('sort=number&pageSize=3&page=2')).items.map((item) => item.number)).toEqual(
      numbers.slice(3, 6).map((item) => item.number),
    );
    expect((await list('sort=created&pageSize=3')).items.map((item) => item.id)).toEqual(
      created.slice(0, 3).map((item) => item.id),
    );
  });

  it('keeps a ticket where it was when only a system note is added, and reports the note through updatedSince', async () => {
    const ticketId = byNumber.get(7)!;
    const before = (await get(`/api/v1/tickets/${ticketId}`).expect(200)).body as Item;
    const since = new Date(Date.now() + 5).toISOString();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await tickets.addSystemNote(tenant.organizationId, ticketId, 'Held back by the loop brake');
    await testApp
      .http()
      .patch(`/api/v1/tickets/${byNumber.get(8)}`)
      .auth(agent.token, { type: 'bearer' })
      .send({ status: 'pending' })
      .expect(200);
    await agentReply(9);

    const after = (await get(`/api/v1/tickets/${ticketId}`).expect(200)).body as Item;
    expect(after.lastActivityAt).toBe(before.lastActivityAt);
    expect(after.updatedAt > before.updatedAt).toBe(true);
    const changed = await enumerate(`updatedSince=${encodeURIComponent(since)}&pageSize=2`);
    expect(changed.map((item) => item.number).sort((a, b) => a - b)).toEqual([7, 8, 9]);
    expect((await list(`updatedSince=${encodeURIComponent(since)}`)).total).toBe(3);
    // With a search too (which alone takes its own path through the trigram index).
    expect(
      (await list(`q=Case&updatedSince=${encodeURIComponent(since)}`)).items.map((item) => item.number).sort(),
    ).toEqual([7, 8, 9]);
    // Before any of them: everything.
    expect((await list('updatedSince=2000-01-01T00:00:00Z&pageSize=1')).total).toBe((await list('pageSize=1')).total);
  });

  it('refuses a malformed, altered or foreign cursor, and a bad sort or updatedSince, with 400', async () => {
    const cursor = (await list('pageSize=5')).nextCursor!;
    const [body, signature] = cursor.split('.');
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const altered = `${Buffer.from(JSON.stringify({ ...payload, n: 1 })).toString('base64url')}.${signature}`;
    const refused = async (query: string, code: string, token = agent.token) => {
      const response = await get(`/api/v1/tickets?${query}`, token).expect(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request', code });
      expect(typeof response.body.message).toBe('string');
      expect(typeof response.body.requestId).toBe('string');
      return response.body as { message: string };
    };
    await refused('cursor=not-a-cursor', 'VALIDATION_FAILED');
    await refused('cursor=abc.def', 'INVALID_CURSOR');
    await refused(`cursor=${encodeURIComponent(altered)}`, 'INVALID_CURSOR');
    await refused(`cursor=${encodeURIComponent(`${body}.${signature.slice(1)}`)}`, 'INVALID_CURSOR');
    expect((await refused(`sort=number&cursor=${encodeURIComponent(cursor)}`, 'INVALID_CURSOR')).message).toMatch(
      /sort=activity/,
    );
    await refused(`status=open&cursor=${encodeURIComponent(cursor)}`, 'INVALID_CURSOR');
    await refused(`page=2&cursor=${encodeURIComponent(cursor)}`, 'CURSOR_WITH_PAGE');
    await refused('sort=subject', 'VALIDATION_FAILED');
    await refused('updatedSince=yesterday', 'VALIDATION_FAILED');
    await refused('updatedSince=2026-13-01T00:00:00Z', 'VALIDATION_FAILED');
    // Another organization's cursor finds nothing of ours, and ours nothing of theirs.
    const otherAdmin = other.admin.token;
    const theirs = (await list('pageSize=1', otherAdmin)).nextCursor!;
    await refused(`pageSize=1&cursor=${encodeURIComponent(theirs)}`, 'INVALID_CURSOR');
    await refused(`pageSize=5&cursor=${encodeURIComponent(cursor)}`, 'INVALID_CURSOR', otherAdmin);
    const theirPages = await (async () => {
      const first = await list('pageSize=1', otherAdmin);
      const second = await list(`pageSize=1&cursor=${encodeURIComponent(first.nextCursor!)}`, otherAdmin);
      return [...first.items, ...second.items];
    })();
    expect(theirPages.every((item) => !([...byNumber.values()] as string[]).includes(item.id))).toBe(true);
  });

  it('ends with a null nextCursor, and gives none on pages after the first', async () => {
    const all = await list('sort=number&pageSize=100');
    expect(all.nextCursor).not.toBeNull();
    expect((await list('pageSize=10&page=2')).nextCursor).toBeNull();
    const last = await list(`sort=number&pageSize=100&cursor=${encodeURIComponent(all.nextCursor!)}`);
    expect(last.page).toBe(1);
    const few = await list('requester=nobody@customer.test');
    expect(few).toEqual({ items: [], total: 0, page: 1, pageSize: 25, nextCursor: null });
  });
});
