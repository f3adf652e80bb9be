import { randomUUID } from 'node:crypto';
import { MessageAlreadyIngestedError } from '../src/tickets/ticket-errors';
import { ingestionFixture, inboundEmail } from './support/ingestion-fixture';
import { createTenant } from './support/tenants';

/** Service-level: what the Sync module does with TicketsService, against the real database. */
describe('tickets: ingestion API', () => {
  const fx = ingestionFixture();

  it('numbers fx.tickets 1, 2, 3 per organization, independently of other organizations', async () => {
    const a1 = await fx.tickets.createTicketFromEmail(fx.orgA.organizationId, inboundEmail());
    const b1 = await fx.tickets.createTicketFromEmail(fx.orgB.organizationId, inboundEmail());
    const a2 = await fx.tickets.createTicketFromEmail(fx.orgA.organizationId, inboundEmail());
    const a3 = await fx.tickets.createTicketFromEmail(fx.orgA.organizationId, inboundEmail());
    const b2 = await fx.tickets.createTicketFromEmail(fx.orgB.organizationId, inboundEmail());
    expect([a1.number, a2.number, a3.number]).toEqual([1, 2, 3]);
    expect([b1.number, b2.number]).toEqual([1, 2]);
  });

  it('gives 20 concurrent creations 20 distinct consecutive numbers', async () => {
    const tenant = await createTenant(fx.testApp);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        fx.tickets.createTicketFromEmail(
          tenant.organizationId,
          inboundEmail({ from: { address: `c${index % 3}@customer.test`, name: '' } }),
        ),
      ),
    );
    expect(results.map((result) => result.number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });

  it('creates the ticket with requester, participants, first comment and the fx.created event', async () => {
    const before = fx.created.length;
    const result = await fx.tickets.createTicketFromEmail(
      fx.orgA.organizationId,
      inboundEmail({
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
    const ticket = await fx.detail(fx.orgA, result.ticketId);
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
    expect(fx.created.slice(before)).toEqual([
      {
        organizationId: fx.orgA.organizationId,
        ticketId: result.ticketId,
        ticketNumber: result.number,
        commentId: result.commentId,
        source: 'email',
        linkedTicketId: null,
      },
    ]);
  });

  it('threads by any Message-ID of a ticket, inbound or one we sent, only within the organization', async () => {
    const first = await fx.tickets.createTicketFromEmail(
      fx.orgA.organizationId,
      inboundEmail({ messageId: '<thread-root@customer.test>' }),
    );
    await fx.tickets.recordOutboundMessageId(fx.orgA.organizationId, first.ticketId, '<our-reply.1@helpdesk.test>');
    const byInbound = await fx.tickets.findTicketByMessageIds(fx.orgA.organizationId, [
      '<unknown@x.test>',
      'thread-root@customer.test',
    ]);
    const byOutbound = await fx.tickets.findTicketByMessageIds(fx.orgA.organizationId, ['our-reply.1@helpdesk.test']);
    expect(byInbound).toEqual({ ticketId: first.ticketId, number: first.number, status: 'new' });
    expect(byOutbound?.ticketId).toBe(first.ticketId);
    expect(
      await fx.tickets.findTicketByMessageIds(fx.orgB.organizationId, [
        'thread-root@customer.test',
        'our-reply.1@helpdesk.test',
      ]),
    ).toBeNull();
    expect(await fx.tickets.findTicketByMessageIds(fx.orgA.organizationId, [])).toBeNull();
    expect(await fx.tickets.listThreadMessageIds(fx.orgA.organizationId, first.ticketId)).toEqual([
      'thread-root@customer.test',
      'our-reply.1@helpdesk.test',
    ]);
  });

  it('keeps the same Message-ID apart in two organizations', async () => {
    const messageId = `<shared-${randomUUID()}@customer.test>`;
    const a = await fx.tickets.createTicketFromEmail(fx.orgA.organizationId, inboundEmail({ messageId }));
    const b = await fx.tickets.createTicketFromEmail(fx.orgB.organizationId, inboundEmail({ messageId }));
    expect((await fx.tickets.findTicketByMessageIds(fx.orgA.organizationId, [messageId]))?.ticketId).toBe(a.ticketId);
    expect((await fx.tickets.findTicketByMessageIds(fx.orgB.organizationId, [messageId]))?.ticketId).toBe(b.ticketId);
  });

  it('writes a batch of new fx.tickets for new and known people alike, filling in a name that was missing', async () => {
    const tenant = await createTenant(fx.testApp);
    // Known from an earlier ticket: Finn as a requester with a name, Gus only as a Cc without one.
    await fx.tickets.createTicketFromEmail(
      tenant.organizationId,
      inboundEmail({
        from: { address: 'finn@customer.test', name: 'Finn' },
        cc: [{ address: 'gus@customer.test', name: '' }],
      }),
    );
    const batch = await fx.runner.run((manager) =>
      fx.tickets.createTicketsFromEmails(
        tenant.organizationId,
        [
          inboundEmail({ from: { address: 'gus@customer.test', name: 'Gus Gray' } }),
          inboundEmail({
            from: { address: 'hana@customer.test', name: 'Hana' },
            cc: [{ address: 'finn@customer.test', name: '' }],
          }),
          inboundEmail({ from: { address: 'FINN@customer.test', name: '' } }),
        ],
        manager,
      ),
    );
    expect(batch.map((ticket) => ticket.number)).toEqual([2, 3, 4]);
    const [gus, hana, finn] = await Promise.all(batch.map((ticket) => fx.detail(tenant, ticket.ticketId)));
    expect(gus.requester).toEqual({ email: 'gus@customer.test', name: 'Gus Gray' });
    expect(hana.requester).toEqual({ email: 'hana@customer.test', name: 'Hana' });
    // A known person keeps the name they have; an empty name in the new mail does not erase it.
    expect(hana.participants).toEqual([{ email: 'finn@customer.test', name: 'Finn' }]);
    expect(finn.requester).toEqual({ email: 'finn@customer.test', name: 'Finn' });
  });

  it('threads a subject token only for the requester or a participant of that organization', async () => {
    const ticket = await fx.tickets.createTicketFromEmail(
      fx.orgA.organizationId,
      inboundEmail({
        from: { address: 'owner@customer.test', name: 'Owner' },
        cc: [{ address: 'colleague@customer.test', name: '' }],
      }),
    );
    const other = await fx.tickets.createTicketFromEmail(
      fx.orgB.organizationId,
      inboundEmail({ from: { address: 'stranger@evil.test', name: '' } }),
    );
    expect(
      (await fx.tickets.findTicketForToken(fx.orgA.organizationId, ticket.number, 'OWNER@customer.test'))?.ticketId,
    ).toBe(ticket.ticketId);
    expect(
      (await fx.tickets.findTicketForToken(fx.orgA.organizationId, ticket.number, 'colleague@customer.test'))?.ticketId,
    ).toBe(ticket.ticketId);
    // A stranger guessing the number, someone known to the organization but not on this ticket, another organization.
    expect(await fx.tickets.findTicketForToken(fx.orgA.organizationId, ticket.number, 'stranger@evil.test')).toBeNull();
    expect(
      await fx.tickets.findTicketForToken(fx.orgA.organizationId, ticket.number, 'carla@customer.test'),
    ).toBeNull();
    expect(
      await fx.tickets.findTicketForToken(fx.orgB.organizationId, ticket.number, 'owner@customer.test'),
    ).toBeNull();
    expect(
      (await fx.tickets.findTicketForToken(fx.orgB.organizationId, other.number, 'stranger@evil.test'))?.ticketId,
    ).toBe(other.ticketId);
    expect(await fx.tickets.findTicketForToken(fx.orgA.organizationId, 999_999, 'owner@customer.test')).toBeNull();
  });

  it('adds a reply as a comment; a resolved ticket reopens, a pending one is open again', async () => {
    const ticket = await fx.tickets.createTicketFromEmail(fx.orgA.organizationId, inboundEmail());
    const reply = (text: string) =>
      fx.tickets.addEmailComment(
        fx.orgA.organizationId,
        ticket.ticketId,
        inboundEmail({
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
    expect((await fx.detail(fx.orgA, ticket.ticketId)).status).toBe('new');

    await fx.setStatus(ticket.ticketId, 'resolved');
    const before = fx.commented.length;
    const reopening = await reply('it is back');
    expect(reopening).toMatchObject({ outcome: 'reopened', reopened: true, ticketId: ticket.ticketId });
    expect(fx.commented.slice(before)).toEqual([
      {
        organizationId: fx.orgA.organizationId,
        ticketId: ticket.ticketId,
        ticketNumber: ticket.number,
        commentId: reopening.commentId,
        source: 'email',
        kind: 'requester',
        internal: false,
        reopened: true,
      },
    ]);

    await fx.setStatus(ticket.ticketId, 'pending');
    expect(await reply('here is the info')).toMatchObject({ outcome: 'commented', reopened: false });
    const shown = await fx.detail(fx.orgA, ticket.ticketId);
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
    const closed = await fx.tickets.createTicketFromEmail(
      fx.orgA.organizationId,
      inboundEmail({ subject: 'Old problem' }),
    );
    await fx.setStatus(closed.ticketId, 'closed');
    const createdBefore = fx.created.length;
    const followUp = await fx.tickets.addEmailComment(
      fx.orgA.organizationId,
      closed.ticketId,
      inboundEmail({ subject: 'Re: Old problem', text: 'again' }),
    );
    expect(followUp).toMatchObject({
      outcome: 'new-ticket',
      createdTicket: true,
      reopened: false,
      linkedTicketId: closed.ticketId,
    });
    expect(followUp.ticketId).not.toBe(closed.ticketId);
    expect(fx.created.slice(createdBefore)).toMatchObject([
      { ticketId: followUp.ticketId, linkedTicketId: closed.ticketId },
    ]);
    const shown = await fx.detail(fx.orgA, followUp.ticketId);
    expect(shown).toMatchObject({
      number: followUp.number,
      subject: 'Re: Old problem',
      status: 'new',
      linkedTicketId: closed.ticketId,
    });
    expect(shown.comments.map((c: { body: string }) => c.body)).toEqual(['again']);
    expect((await fx.detail(fx.orgA, closed.ticketId)).status).toBe('closed');

    // Another reply to the old thread joins the open follow-up instead of opening a third ticket.
    const second = await fx.tickets.addEmailComment(
      fx.orgA.organizationId,
      closed.ticketId,
      inboundEmail({ text: 'still broken' }),
    );
    expect(second).toMatchObject({ outcome: 'commented', ticketId: followUp.ticketId, createdTicket: false });
    expect((await fx.detail(fx.orgA, closed.ticketId)).comments).toHaveLength(1);
  });

  it('reports a message ingested twice as MessageAlreadyIngestedError with its ticket, and writes nothing', async () => {
    const messageId = `<dup-${randomUUID()}@customer.test>`;
    const first = await fx.tickets.createTicketFromEmail(fx.orgA.organizationId, inboundEmail({ messageId }));
    const again = await fx.tickets
      .createTicketFromEmail(fx.orgA.organizationId, inboundEmail({ messageId }))
      .catch((error: unknown) => error);
    expect(again).toBeInstanceOf(MessageAlreadyIngestedError);
    expect(again).toMatchObject({
      code: 'MESSAGE_ALREADY_INGESTED',
      ticketId: first.ticketId,
      messageId: messageId.slice(1, -1),
    });
    const asReply = await fx.tickets
      .addEmailComment(fx.orgA.organizationId, first.ticketId, inboundEmail({ messageId }))
      .catch((error: unknown) => error);
    expect(asReply).toBeInstanceOf(MessageAlreadyIngestedError);
    expect((await fx.detail(fx.orgA, first.ticketId)).comments).toHaveLength(1);
  });

  it('lets only one of two racing ingestions of the same message win', async () => {
    const tenant = await createTenant(fx.testApp);
    const messageId = `<race-${randomUUID()}@customer.test>`;
    const outcomes = await Promise.allSettled([
      fx.tickets.createTicketFromEmail(tenant.organizationId, inboundEmail({ messageId })),
      fx.tickets.createTicketFromEmail(tenant.organizationId, inboundEmail({ messageId })),
    ]);
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toBeInstanceOf(MessageAlreadyIngestedError);
    expect(lost[0].reason.ticketId).toBe((won[0] as PromiseFulfilledResult<{ ticketId: string }>).value.ticketId);
    const list = await fx.testApp
      .http()
      .get('/api/v1/tickets')
      .auth(tenant.admin.token, { type: 'bearer' })
      .expect(200);
    expect(list.body.total).toBe(1);
  });

  it('adds a system note as an internal comment without changing the status', async () => {
    const ticket = await fx.tickets.createTicketFromEmail(fx.orgA.organizationId, inboundEmail());
    const before = fx.commented.length;
    const note = await fx.tickets.addSystemNote(
      fx.orgA.organizationId,
      ticket.ticketId,
      'Delivery failed: mailbox full',
    );
    const shown = await fx.detail(fx.orgA, ticket.ticketId);
    expect(shown.status).toBe('new');
    expect(shown.comments[1]).toMatchObject({
      id: note.commentId,
      kind: 'system',
      internal: true,
      body: 'Delivery failed: mailbox full',
      author: { name: 'System' },
      html: null,
    });
    expect(fx.commented.slice(before)).toMatchObject([{ ticketId: ticket.ticketId, kind: 'system', internal: true }]);
    await expect(fx.tickets.addSystemNote(fx.orgB.organizationId, ticket.ticketId, 'x')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('records outbound Message-IDs idempotently and refuses one that belongs to another ticket', async () => {
    const one = await fx.tickets.createTicketFromEmail(fx.orgA.organizationId, inboundEmail());
    const two = await fx.tickets.createTicketFromEmail(fx.orgA.organizationId, inboundEmail());
    await fx.tickets.recordOutboundMessageId(fx.orgA.organizationId, one.ticketId, '<out-1@helpdesk.test>');
    await fx.tickets.recordOutboundMessageId(fx.orgA.organizationId, one.ticketId, 'out-1@helpdesk.test');
    await expect(
      fx.tickets.recordOutboundMessageId(fx.orgA.organizationId, two.ticketId, '<out-1@helpdesk.test>'),
    ).rejects.toBeInstanceOf(MessageAlreadyIngestedError);
    await expect(
      fx.tickets.recordOutboundMessageId(fx.orgB.organizationId, one.ticketId, '<out-2@helpdesk.test>'),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const reply = await fx.tickets.findTicketByMessageIds(fx.orgA.organizationId, ['out-1@helpdesk.test']);
    expect(reply?.ticketId).toBe(one.ticketId);
  });

  it('refuses a comment on another organization’s ticket like a missing one', async () => {
    const ticket = await fx.tickets.createTicketFromEmail(fx.orgA.organizationId, inboundEmail());
    await expect(
      fx.tickets.addEmailComment(fx.orgB.organizationId, ticket.ticketId, inboundEmail()),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await fx.tickets.ticketExists(fx.orgB.organizationId, ticket.ticketId)).toBe(false);
    expect(await fx.tickets.ticketExists(fx.orgA.organizationId, ticket.ticketId)).toBe(true);
  });
});
