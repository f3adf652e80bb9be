import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import type { InboundEmail } from '../src/tickets/inbound-email';
import { inboundEmail } from './support/inbound-email';
import { TicketsService } from '../src/tickets/tickets.service';
import { startTestApp, TestApp } from './support/test-app';
import { createTenant, TestTenant, TestUser } from './support/tenants';

/** The agents' read API over HTTP: a ticket's detail and its attachments' download (the list: tickets-api-list). */
describe('tickets: read API, detail and attachments', () => {
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
