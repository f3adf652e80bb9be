import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { DomainEventMap } from '../src/common/events/domain-events';
import { TransactionRunner } from '../src/database/transaction-runner';
import type { InboundEmail } from '../src/tickets/inbound-email';
import { MessageAlreadyIngestedError } from '../src/tickets/ticket-errors';
import { TicketsService } from '../src/tickets/tickets.service';
import { startTestApp, TestApp } from './support/test-app';
import { createTenant, TestTenant } from './support/tenants';

/** Service-level: what the Sync module does with TicketsService, against the real database. */
describe('tickets: ingestion API', () => {
  let testApp: TestApp;
  let tickets: TicketsService;
  let runner: TransactionRunner;
  let orgA: TestTenant;
  let orgB: TestTenant;
  const created: DomainEventMap['ticket.created'][] = [];
  const commented: DomainEventMap['ticket.commented'][] = [];

  const email = (overrides: Partial<InboundEmail> = {}): InboundEmail => ({
    subject: 'Printer on fire',
    from: { address: 'carla@customer.test', name: 'Carla Customer' },
    cc: [],
    messageId: `<${randomUUID()}@customer.test>`,
    text: 'It is on fire again.',
    html: null,
    fullText: 'It is on fire again.',
    attachments: [],
    receivedAt: new Date('2025-11-20T10:00:00Z'),
    ...overrides,
  });
  const setStatus = (ticketId: string, status: string) =>
    testApp
      .http()
      .patch(`/api/v1/tickets/${ticketId}`)
      .auth(orgA.admin.token, { type: 'bearer' })
      .send({ status })
      .expect(200);
  const detail = async (tenant: TestTenant, ticketId: string) =>
    (await testApp.http().get(`/api/v1/tickets/${ticketId}`).auth(tenant.admin.token, { type: 'bearer' }).expect(200))
      .body;

  beforeAll(async () => {
    testApp = await startTestApp();
    tickets = testApp.app.get(TicketsService);
    runner = testApp.app.get(TransactionRunner);
    [orgA, orgB] = await Promise.all([createTenant(testApp, 'Org A'), createTenant(testApp, 'Org B')]);
    const emitter = testApp.app.get(EventEmitter2);
    emitter.on('ticket.created', (event: DomainEventMap['ticket.created']) => created.push(event));
    emitter.on('ticket.commented', (event: DomainEventMap['ticket.commented']) => commented.push(event));
  });
  afterAll(() => testApp.close());

  it('numbers tickets 1, 2, 3 per organization, independently of other organizations', async () => {
    const a1 = await tickets.createTicketFromEmail(orgA.organizationId, email());
    const b1 = await tickets.createTicketFromEmail(orgB.organizationId, email());
    const a2 = await tickets.createTicketFromEmail(orgA.organizationId, email());
    const a3 = await tickets.createTicketFromEmail(orgA.organizationId, email());
    const b2 = await tickets.createTicketFromEmail(orgB.organizationId, email());
    expect([a1.number, a2.number, a3.number]).toEqual([1, 2, 3]);
    expect([b1.number, b2.number]).toEqual([1, 2]);
  });

  it('gives 20 concurrent creations 20 distinct consecutive numbers', async () => {
    const tenant = await createTenant(testApp);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        tickets.createTicketFromEmail(
          tenant.organizationId,
          email({ from: { address: `c${index % 3}@customer.test`, name: '' } }),
        ),
      ),
    );
    expect(results.map((result) => result.number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });

  it('creates the ticket with requester, participants, first comment and the created event', async () => {
    const before = created.length;
    const result = await tickets.createTicketFromEmail(
      orgA.organizationId,
      email({
        subject: 'Invoice\r\nBcc: evil@x.test',
        from: { address: 'Dora@Customer.TEST', name: 'Dora' },
        cc: [
          { address: 'eve@customer.test', name: 'Eve' },
          { address: 'dora@customer.test', name: '' },
          { address: 'EVE@customer.test', name: '' },
        ],
        text: 'Visible part\u0000',
        fullText: 'Visible part\u0000\n> quoted history',
        html: '<p onclick="steal()">Visible <b>part</b></p><script>alert(1)</script>',
      }),
    );
    const ticket = await detail(orgA, result.ticketId);
    expect(ticket).toMatchObject({
      number: result.number,
      subject: 'Invoice Bcc: evil@x.test',
      status: 'new',
      priority: 'normal',
      source: 'email',
      requester: { email: 'dora@customer.test', name: 'Dora' },
      participants: [{ email: 'eve@customer.test', name: 'Eve' }],
      assignee: null,
      linkedTicketId: null,
    });
    expect(ticket.comments).toHaveLength(1);
    expect(ticket.comments[0]).toMatchObject({
      id: result.commentId,
      kind: 'requester',
      author: { email: 'dora@customer.test', name: 'Dora' },
      body: 'Visible part',
      html: '<p>Visible <b>part</b></p>',
      internal: false,
      attachments: [],
      receivedAt: '2025-11-20T10:00:00.000Z',
    });
    expect(created.slice(before)).toEqual([
      {
        organizationId: orgA.organizationId,
        ticketId: result.ticketId,
        ticketNumber: result.number,
        commentId: result.commentId,
        source: 'email',
        linkedTicketId: null,
      },
    ]);
  });

  it('threads by any Message-ID of a ticket, inbound or one we sent, only within the organization', async () => {
    const first = await tickets.createTicketFromEmail(
      orgA.organizationId,
      email({ messageId: '<thread-root@customer.test>' }),
    );
    await tickets.recordOutboundMessageId(orgA.organizationId, first.ticketId, '<our-reply.1@helpdesk.test>');
    const byInbound = await tickets.findTicketByMessageIds(orgA.organizationId, [
      '<unknown@x.test>',
      'thread-root@customer.test',
    ]);
    const byOutbound = await tickets.findTicketByMessageIds(orgA.organizationId, ['our-reply.1@helpdesk.test']);
    expect(byInbound).toEqual({ ticketId: first.ticketId, number: first.number, status: 'new' });
    expect(byOutbound?.ticketId).toBe(first.ticketId);
    expect(
      await tickets.findTicketByMessageIds(orgB.organizationId, [
        'thread-root@customer.test',
        'our-reply.1@helpdesk.test',
      ]),
    ).toBeNull();
    expect(await tickets.findTicketByMessageIds(orgA.organizationId, [])).toBeNull();
    expect(await tickets.listThreadMessageIds(orgA.organizationId, first.ticketId)).toEqual([
      'thread-root@customer.test',
      'our-reply.1@helpdesk.test',
    ]);
  });

  it('keeps the same Message-ID apart in two organizations', async () => {
    const messageId = `<shared-${randomUUID()}@customer.test>`;
    const a = await tickets.createTicketFromEmail(orgA.organizationId, email({ messageId }));
    const b = await tickets.createTicketFromEmail(orgB.organizationId, email({ messageId }));
    expect((await tickets.findTicketByMessageIds(orgA.organizationId, [messageId]))?.ticketId).toBe(a.ticketId);
    expect((await tickets.findTicketByMessageIds(orgB.organizationId, [messageId]))?.ticketId).toBe(b.ticketId);
  });

  it('writes a batch of new tickets for new and known people alike, filling in a name that was missing', async () => {
    const tenant = await createTenant(testApp);
    // Known from an earlier ticket: Finn as a requester with a name, Gus only as a Cc without one.
    await tickets.createTicketFromEmail(
      tenant.organizationId,
      email({
        from: { address: 'finn@customer.test', name: 'Finn' },
        cc: [{ address: 'gus@customer.test', name: '' }],
      }),
    );
    const batch = await runner.run((manager) =>
      tickets.createTicketsFromEmails(
        tenant.organizationId,
        [
          email({ from: { address: 'gus@customer.test', name: 'Gus Gray' } }),
          email({
            from: { address: 'hana@customer.test', name: 'Hana' },
            cc: [{ address: 'finn@customer.test', name: '' }],
          }),
          email({ from: { address: 'FINN@customer.test', name: '' } }),
        ],
        manager,
      ),
    );
    expect(batch.map((ticket) => ticket.number)).toEqual([2, 3, 4]);
    const [gus, hana, finn] = await Promise.all(batch.map((ticket) => detail(tenant, ticket.ticketId)));
    expect(gus.requester).toEqual({ email: 'gus@customer.test', name: 'Gus Gray' });
    expect(hana.requester).toEqual({ email: 'hana@customer.test', name: 'Hana' });
    // A known person keeps the name they have; an empty name in the new mail does not erase it.
    expect(hana.participants).toEqual([{ email: 'finn@customer.test', name: 'Finn' }]);
    expect(finn.requester).toEqual({ email: 'finn@customer.test', name: 'Finn' });
  });

  it('threads a subject token only for the requester or a participant of that organization', async () => {
    const ticket = await tickets.createTicketFromEmail(
      orgA.organizationId,
      email({
        from: { address: 'owner@customer.test', name: 'Owner' },
        cc: [{ address: 'colleague@customer.test', name: '' }],
      }),
    );
    const other = await tickets.createTicketFromEmail(
      orgB.organizationId,
      email({ from: { address: 'stranger@evil.test', name: '' } }),
    );
    expect(
      (await tickets.findTicketForToken(orgA.organizationId, ticket.number, 'OWNER@customer.test'))?.ticketId,
    ).toBe(ticket.ticketId);
    expect(
      (await tickets.findTicketForToken(orgA.organizationId, ticket.number, 'colleague@customer.test'))?.ticketId,
    ).toBe(ticket.ticketId);
    // A stranger guessing the number, someone known to the organization but not on this ticket, another organization.
    expect(await tickets.findTicketForToken(orgA.organizationId, ticket.number, 'stranger@evil.test')).toBeNull();
    expect(await tickets.findTicketForToken(orgA.organizationId, ticket.number, 'carla@customer.test')).toBeNull();
    expect(await tickets.findTicketForToken(orgB.organizationId, ticket.number, 'owner@customer.test')).toBeNull();
    expect((await tickets.findTicketForToken(orgB.organizationId, other.number, 'stranger@evil.test'))?.ticketId).toBe(
      other.ticketId,
    );
    expect(await tickets.findTicketForToken(orgA.organizationId, 999_999, 'owner@customer.test')).toBeNull();
  });

  it('adds a reply as a comment; a resolved ticket reopens, a pending one is open again', async () => {
    const ticket = await tickets.createTicketFromEmail(orgA.organizationId, email());
    const reply = (text: string) =>
      tickets.addEmailComment(
        orgA.organizationId,
        ticket.ticketId,
        email({
          text,
          fullText: `${text}\n\n> earlier`,
          from: { address: 'carla@customer.test', name: '' },
          cc: [{ address: 'boss@customer.test', name: 'Boss' }],
        }),
      );
    const plain = await reply('first reply');
    expect(plain).toMatchObject({
      outcome: 'commented',
      ticketId: ticket.ticketId,
      number: ticket.number,
      reopened: false,
      createdTicket: false,
    });
    expect((await detail(orgA, ticket.ticketId)).status).toBe('new');

    await setStatus(ticket.ticketId, 'resolved');
    const before = commented.length;
    const reopening = await reply('it is back');
    expect(reopening).toMatchObject({ outcome: 'reopened', reopened: true, ticketId: ticket.ticketId });
    expect(commented.slice(before)).toEqual([
      {
        organizationId: orgA.organizationId,
        ticketId: ticket.ticketId,
        ticketNumber: ticket.number,
        commentId: reopening.commentId,
        source: 'email',
        kind: 'requester',
        internal: false,
        reopened: true,
      },
    ]);

    await setStatus(ticket.ticketId, 'pending');
    expect(await reply('here is the info')).toMatchObject({ outcome: 'commented', reopened: false });
    const shown = await detail(orgA, ticket.ticketId);
    expect(shown.status).toBe('open');
    expect(shown.comments.map((c: { body: string }) => c.body)).toEqual([
      'It is on fire again.',
      'first reply',
      'it is back',
      'here is the info',
    ]);
    expect(shown.participants).toEqual([{ email: 'boss@customer.test', name: 'Boss' }]);
  });

  it('turns a reply to a closed ticket into a new linked ticket, and further replies join it', async () => {
    const closed = await tickets.createTicketFromEmail(orgA.organizationId, email({ subject: 'Old problem' }));
    await setStatus(closed.ticketId, 'closed');
    const createdBefore = created.length;
    const followUp = await tickets.addEmailComment(
      orgA.organizationId,
      closed.ticketId,
      email({ subject: 'Re: Old problem', text: 'again' }),
    );
    expect(followUp).toMatchObject({
      outcome: 'new-ticket',
      createdTicket: true,
      reopened: false,
      linkedTicketId: closed.ticketId,
    });
    expect(followUp.ticketId).not.toBe(closed.ticketId);
    expect(created.slice(createdBefore)).toMatchObject([
      { ticketId: followUp.ticketId, linkedTicketId: closed.ticketId },
    ]);
    const shown = await detail(orgA, followUp.ticketId);
    expect(shown).toMatchObject({
      number: followUp.number,
      subject: 'Re: Old problem',
      status: 'new',
      linkedTicketId: closed.ticketId,
    });
    expect(shown.comments.map((c: { body: string }) => c.body)).toEqual(['again']);
    expect((await detail(orgA, closed.ticketId)).status).toBe('closed');

    // Another reply to the old thread joins the open follow-up instead of opening a third ticket.
    const second = await tickets.addEmailComment(orgA.organizationId, closed.ticketId, email({ text: 'still broken' }));
    expect(second).toMatchObject({ outcome: 'commented', ticketId: followUp.ticketId, createdTicket: false });
    expect((await detail(orgA, closed.ticketId)).comments).toHaveLength(1);
  });

  it('reports a message ingested twice as MessageAlreadyIngestedError with its ticket, and writes nothing', async () => {
    const messageId = `<dup-${randomUUID()}@customer.test>`;
    const first = await tickets.createTicketFromEmail(orgA.organizationId, email({ messageId }));
    const again = await tickets
      .createTicketFromEmail(orgA.organizationId, email({ messageId }))
      .catch((error: unknown) => error);
    expect(again).toBeInstanceOf(MessageAlreadyIngestedError);
    expect(again).toMatchObject({
      code: 'MESSAGE_ALREADY_INGESTED',
      ticketId: first.ticketId,
      messageId: messageId.slice(1, -1),
    });
    const asReply = await tickets
      .addEmailComment(orgA.organizationId, first.ticketId, email({ messageId }))
      .catch((error: unknown) => error);
    expect(asReply).toBeInstanceOf(MessageAlreadyIngestedError);
    expect((await detail(orgA, first.ticketId)).comments).toHaveLength(1);
  });

  it('lets only one of two racing ingestions of the same message win', async () => {
    const tenant = await createTenant(testApp);
    const messageId = `<race-${randomUUID()}@customer.test>`;
    const outcomes = await Promise.allSettled([
      tickets.createTicketFromEmail(tenant.organizationId, email({ messageId })),
      tickets.createTicketFromEmail(tenant.organizationId, email({ messageId })),
    ]);
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toBeInstanceOf(MessageAlreadyIngestedError);
    expect(lost[0].reason.ticketId).toBe((won[0] as PromiseFulfilledResult<{ ticketId: string }>).value.ticketId);
    const list = await testApp.http().get('/api/v1/tickets').auth(tenant.admin.token, { type: 'bearer' }).expect(200);
    expect(list.body.total).toBe(1);
  });

  describe('inside the caller transaction', () => {
    it('publishes events only after the commit', async () => {
      const before = created.length;
      const result = await runner.run(async (manager) => {
        const inside = await tickets.createTicketFromEmail(orgA.organizationId, email(), manager);
        expect(created.length).toBe(before);
        return inside;
      });
      expect(created.slice(before).map((event) => event.ticketId)).toEqual([result.ticketId]);
    });

    it('publishes nothing and keeps nothing when the caller rolls back', async () => {
      const before = { created: created.length, commented: commented.length };
      const existing = await tickets.createTicketFromEmail(orgA.organizationId, email());
      let ticketId = '';
      await expect(
        runner.run(async (manager) => {
          ticketId = (await tickets.createTicketFromEmail(orgA.organizationId, email(), manager)).ticketId;
          await tickets.addEmailComment(orgA.organizationId, existing.ticketId, email(), manager);
          throw new Error('watermark write failed');
        }),
      ).rejects.toThrow('watermark write failed');
      expect({ created: created.length, commented: commented.length }).toEqual({
        created: before.created + 1,
        commented: before.commented,
      });
      expect(await tickets.ticketExists(orgA.organizationId, ticketId)).toBe(false);
      expect((await detail(orgA, existing.ticketId)).comments).toHaveLength(1);
    });

    it('rolls back only its own savepoint on a duplicate; the caller goes on and commits the rest', async () => {
      const messageId = `<sp-${randomUUID()}@customer.test>`;
      const first = await tickets.createTicketFromEmail(orgA.organizationId, email({ messageId }));
      const before = created.length;
      const outcome = await runner.run(async (manager) => {
        const other = await tickets.createTicketFromEmail(orgA.organizationId, email(), manager);
        const duplicate = await tickets
          .createTicketFromEmail(orgA.organizationId, email({ messageId }), manager)
          .catch((e: unknown) => e);
        const note = await tickets.addSystemNote(orgA.organizationId, first.ticketId, 'recorded as duplicate', manager);
        return { other, duplicate, note };
      });
      expect(outcome.duplicate).toBeInstanceOf(MessageAlreadyIngestedError);
      expect((outcome.duplicate as MessageAlreadyIngestedError).ticketId).toBe(first.ticketId);
      expect(await tickets.ticketExists(orgA.organizationId, outcome.other.ticketId)).toBe(true);
      expect(created.slice(before).map((event) => event.ticketId)).toEqual([outcome.other.ticketId]);
      expect((await detail(orgA, first.ticketId)).comments.map((c: { kind: string }) => c.kind)).toEqual([
        'requester',
        'system',
      ]);
    });

    it('keeps nested savepoints usable while other requests query the database meanwhile', async () => {
      // A sync batch (savepoint in savepoint) while an API request reads outside the transaction: on
      // SQLite every query runner is the same one, and each outside read gives it a new manager.
      const outcome = await runner.run(async (manager) => {
        const reads: Promise<unknown>[] = [];
        const nested = await runner.join(manager, async (savepoint) => {
          reads.push(tickets.ticketExists(orgA.organizationId, randomUUID()));
          await Promise.all(reads);
          return runner.join(savepoint, (inner) => tickets.createTicketFromEmail(orgA.organizationId, email(), inner));
        });
        return nested;
      });
      expect(await tickets.ticketExists(orgA.organizationId, outcome.ticketId)).toBe(true);
    });

    it('refuses a manager from a transaction it cannot publish after', async () => {
      const dataSource = testApp.app.get(DataSource);
      await expect(
        dataSource.transaction((manager) => tickets.createTicketFromEmail(orgA.organizationId, email(), manager)),
      ).rejects.toThrow(/TransactionRunner\.run/);
    });
  });

  it('adds a system note as an internal comment without changing the status', async () => {
    const ticket = await tickets.createTicketFromEmail(orgA.organizationId, email());
    const before = commented.length;
    const note = await tickets.addSystemNote(orgA.organizationId, ticket.ticketId, 'Delivery failed: mailbox full');
    const shown = await detail(orgA, ticket.ticketId);
    expect(shown.status).toBe('new');
    expect(shown.comments[1]).toMatchObject({
      id: note.commentId,
      kind: 'system',
      internal: true,
      body: 'Delivery failed: mailbox full',
      author: { name: 'System' },
      html: null,
    });
    expect(commented.slice(before)).toMatchObject([{ ticketId: ticket.ticketId, kind: 'system', internal: true }]);
    await expect(tickets.addSystemNote(orgB.organizationId, ticket.ticketId, 'x')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('records outbound Message-IDs idempotently and refuses one that belongs to another ticket', async () => {
    const one = await tickets.createTicketFromEmail(orgA.organizationId, email());
    const two = await tickets.createTicketFromEmail(orgA.organizationId, email());
    await tickets.recordOutboundMessageId(orgA.organizationId, one.ticketId, '<out-1@helpdesk.test>');
    await tickets.recordOutboundMessageId(orgA.organizationId, one.ticketId, 'out-1@helpdesk.test');
    await expect(
      tickets.recordOutboundMessageId(orgA.organizationId, two.ticketId, '<out-1@helpdesk.test>'),
    ).rejects.toBeInstanceOf(MessageAlreadyIngestedError);
    await expect(
      tickets.recordOutboundMessageId(orgB.organizationId, one.ticketId, '<out-2@helpdesk.test>'),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const reply = await tickets.findTicketByMessageIds(orgA.organizationId, ['out-1@helpdesk.test']);
    expect(reply?.ticketId).toBe(one.ticketId);
  });

  it('refuses a comment on another organization’s ticket like a missing one', async () => {
    const ticket = await tickets.createTicketFromEmail(orgA.organizationId, email());
    await expect(tickets.addEmailComment(orgB.organizationId, ticket.ticketId, email())).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await tickets.ticketExists(orgB.organizationId, ticket.ticketId)).toBe(false);
    expect(await tickets.ticketExists(orgA.organizationId, ticket.ticketId)).toBe(true);
  });
});
