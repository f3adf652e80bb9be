import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import type { InboundEmail } from '../src/tickets/inbound-email';
import { TicketsService } from '../src/tickets/tickets.service';
import { usingPostgres } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';
import { createTenant, TestTenant, TestUser } from './support/tenants';

/** The agents' read API over HTTP: list, detail, attachment download. */
describe('tickets: read API', () => {
  let testApp: TestApp;
  let tickets: TicketsService;
  let tenant: TestTenant;
  let other: TestTenant;
  let agent: TestUser;

  const email = (overrides: Partial<InboundEmail> = {}): InboundEmail => ({
    subject: 'Hello',
    from: { address: 'carla@customer.test', name: 'Carla Customer' },
    cc: [],
    messageId: `<${randomUUID()}@customer.test>`,
    text: 'Body text',
    html: null,
    fullText: 'Body text',
    attachments: [],
    receivedAt: new Date(),
    ...overrides,
  });
  const file = (
    filename: string,
    contentType: string,
    content: string | Buffer,
    extra: Partial<InboundEmail['attachments'][0]> = {},
  ) => ({
    filename,
    contentType,
    content: Buffer.isBuffer(content) ? content : Buffer.from(content),
    contentId: null,
    inline: false,
    ...extra,
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

  describe('detail and attachments', () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    let ticketId: string;
    let attachments: Record<
      string,
      { id: string; filename: string; contentType: string; size: number; inline: boolean; contentId: string | null }
    >;

    beforeAll(async () => {
      const result = await tickets.createTicketFromEmail(
        tenant.organizationId,
        email({
          subject: 'Screenshots',
          cc: [{ address: 'boss@customer.test', name: 'Boss' }],
          text: 'See attached',
          fullText: 'See attached\n\n-- \nCarla',
          html: '<p>See <img src="cid:shot@x"> attached</p>',
          attachments: [
            file('shot.png', 'image/png', png, { contentId: '<shot@x>', inline: true }),
            file('report "final"\r\nX-Injected: yes.pdf', 'application/pdf', '%PDF-1.4 report'),
            file('résumé 履歴書.txt', 'text/plain; charset=utf-8', 'plain text'),
            file('page.html', 'text/html', '<script>alert(document.cookie)</script>'),
            file(
              'logo.svg',
              'image/svg+xml',
              '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            ),
            file('../../etc/passwd', 'weird type!!', 'root:x:0:0'),
          ],
        }),
      );
      ticketId = result.ticketId;
      await tickets.addEmailComment(
        tenant.organizationId,
        ticketId,
        email({ text: 'Same screenshot again', attachments: [file('copy.png', 'image/png', png)] }),
      );
      const body = (await get(`/api/v1/tickets/${ticketId}`).expect(200)).body;
      attachments = Object.fromEntries(
        body.comments
          .flatMap((comment: { attachments: { filename: string }[] }) => comment.attachments)
          .map((a: { filename: string }) => [a.filename, a]),
      );
    });

    it('shows the ticket with participants, comments and attachment metadata', async () => {
      const body = (await get(`/api/v1/tickets/${ticketId}`).expect(200)).body;
      expect(body).toMatchObject({
        id: ticketId,
        subject: 'Screenshots',
        requester: { email: 'carla@customer.test', name: 'Carla Customer' },
        participants: [{ email: 'boss@customer.test', name: 'Boss' }],
        linkedTicketId: null,
      });
      expect(body.comments).toHaveLength(2);
      expect(body.comments[0]).toMatchObject({
        body: 'See attached',
        html: '<p>See <img src="cid:shot@x" /> attached</p>',
        kind: 'requester',
      });
      expect(body.comments[0].attachments.map((a: { filename: string }) => a.filename).sort()).toEqual(
        [
          'passwd',
          'logo.svg',
          'page.html',
          'report "final" X-Injected: yes.pdf',
          'résumé 履歴書.txt',
          'shot.png',
        ].sort(),
      );
      expect(attachments['shot.png']).toEqual({
        id: expect.any(String),
        filename: 'shot.png',
        contentType: 'image/png',
        size: png.length,
        inline: true,
        contentId: 'shot@x',
      });
      expect(attachments['passwd'].contentType).toBe('application/octet-stream');
      expect(attachments['résumé 履歴書.txt'].contentType).toBe('text/plain');
    });

    it('stores attachments content-addressed, once per distinct content', async () => {
      const key = createHash('sha256').update(png).digest('hex');
      const rows = await sql(
        `SELECT storage_key FROM attachments WHERE ticket_id = '${ticketId}' AND content_type = 'image/png'`,
      );
      expect(rows.map((row: { storage_key: string }) => row.storage_key)).toEqual([key, key]);
      expect(existsSync(join(testApp.config.dataDir, 'attachments', key.slice(0, 2), key.slice(2, 4), key))).toBe(true);
    });

    it('downloads an image inline with its type, length and safety headers', async () => {
      const response = await get(`/api/v1/tickets/${ticketId}/attachments/${attachments['shot.png'].id}`)
        .buffer(true)
        .expect(200);
      expect(Buffer.compare(response.body as Buffer, png)).toBe(0);
      expect(response.headers['content-type']).toBe('image/png');
      expect(response.headers['content-length']).toBe(String(png.length));
      expect(response.headers['content-disposition']).toBe(`inline; filename="shot.png"; filename*=UTF-8''shot.png`);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
    });

    it.each([
      ['page.html', 'text/html', `attachment; filename="page.html"; filename*=UTF-8''page.html`],
      ['logo.svg', 'image/svg+xml', `attachment; filename="logo.svg"; filename*=UTF-8''logo.svg`],
      [
        'report "final" X-Injected: yes.pdf',
        'application/pdf',
        `attachment; filename="report _final_ X-Injected: yes.pdf"; filename*=UTF-8''report%20%22final%22%20X-Injected%3A%20yes.pdf`,
      ],
      [
        'résumé 履歴書.txt',
        'text/plain',
        `attachment; filename="resume ___.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%E5%B1%A5%E6%AD%B4%E6%9B%B8.txt`,
      ],
      ['passwd', 'application/octet-stream', `attachment; filename="passwd"; filename*=UTF-8''passwd`],
    ])(
      'downloads %s as an attachment, never inline',
      async (filename: string, contentType: string, disposition: string) => {
        const response = await get(`/api/v1/tickets/${ticketId}/attachments/${attachments[filename].id}`)
          .buffer(true)
          .expect(200);
        expect(response.headers['content-type']?.split(';')[0]).toBe(contentType);
        expect(response.headers['content-disposition']).toBe(disposition);
        expect(response.headers['x-injected']).toBeUndefined();
        expect(response.headers['x-content-type-options']).toBe('nosniff');
      },
    );

    it("answers 404 for another organization's ticket or attachment, exactly like a missing one", async () => {
      const attachmentId = attachments['shot.png'].id;
      const missing = '11111111-1111-4111-8111-111111111111';
      const strip = (body: Record<string, unknown>) => ({ ...body, requestId: null });
      const foreignTicket = await get(`/api/v1/tickets/${ticketId}`, other.admin.token).expect(404);
      const missingTicket = await get(`/api/v1/tickets/${missing}`, other.admin.token).expect(404);
      expect(strip(foreignTicket.body)).toEqual(strip(missingTicket.body));
      const foreignFile = await get(
        `/api/v1/tickets/${ticketId}/attachments/${attachmentId}`,
        other.admin.token,
      ).expect(404);
      const missingFile = await get(`/api/v1/tickets/${missing}/attachments/${missing}`, other.admin.token).expect(404);
      expect(strip(foreignFile.body)).toEqual(strip(missingFile.body));
      // The attacker's own ticket with the victim's attachment id does not reach it either.
      const own = await tickets.createTicketFromEmail(other.organizationId, email());
      const mixed = await get(`/api/v1/tickets/${own.ticketId}/attachments/${attachmentId}`, other.admin.token).expect(
        404,
      );
      expect(strip(mixed.body)).toEqual(strip(missingFile.body));
      // And within one organization, an attachment is reached only through its own ticket.
      const sibling = await tickets.createTicketFromEmail(tenant.organizationId, email());
      await get(`/api/v1/tickets/${sibling.ticketId}/attachments/${attachmentId}`).expect(404);
    });

    it('refuses ids that are not UUIDs with 400', async () => {
      await get('/api/v1/tickets/42').expect(400);
      await get(`/api/v1/tickets/${ticketId}/attachments/..%2F..%2Fetc`).expect(400);
    });
  });
});
