import { ImapFlow } from 'imapflow';
import { startDovecot, type DovecotServer } from './harness/dovecot';
import type { Helpdesk, TicketComment } from './support/helpdesk';
import { makeMessage, uniqueMessageId } from './support/messages';
import { MAILBOX_PASSWORD, openSupportDesk, withoutMessageId, type SupportDesk } from './support/support-desk';
import { startTestApp, type TestApp } from './support/test-app';

const SYNC_ENV = { MAIL_ALLOW_PRIVATE_HOSTS: 'true', SYNC_BATCH_SIZE: '5' };

const CAROL = 'Carol Customer <carol@customer.test>';
const DAVE = 'Dave Colleague <dave@customer.test>';
const MALLORY = 'Mallory <mallory@elsewhere.test>';

/**
 * Sync, end to end: mail is put into a real Dovecot, the app fetches it on "sync now", and what an
 * agent would see is read back through the tickets API. Each test has an organization (and mailbox) of
 * its own, so ticket numbers start at 1 everywhere.
 */
describe('sync ingestion: threading replies into tickets', () => {
  let dovecot: DovecotServer;
  let testApp: TestApp;

  beforeAll(async () => {
    [dovecot, testApp] = await Promise.all([startDovecot(), startTestApp(SYNC_ENV)]);
  });
  afterAll(async () => {
    await testApp?.close();
    await dovecot?.close();
  });

  const open = () => openSupportDesk(testApp, dovecot);

  /** The harness's own IMAP access to a test mailbox, for what DovecotServer does not offer. */
  async function withMailbox(user: string, work: (client: ImapFlow) => Promise<void>): Promise<void> {
    const client = new ImapFlow({
      host: dovecot.host,
      port: dovecot.imapPort,
      secure: false,
      doSTARTTLS: false,
      auth: { user, pass: MAILBOX_PASSWORD },
      logger: false,
    });
    await client.connect();
    try {
      await work(client);
    } finally {
      await client.logout();
    }
  }

  /** Syncs and expects a clean run; returns it. */
  async function sync(support: SupportDesk) {
    const run = await support.desk.syncNow();
    expect({ status: run.status, failed: run.failed, error: run.error }).toEqual({
      status: 'succeeded',
      failed: 0,
      error: null,
    });
    return run;
  }

  /** The one ticket with this subject, with its conversation. */
  const ticket = (desk: Helpdesk, subject: string) => desk.ticketBySubject(subject);
  const bodies = async (desk: Helpdesk, subject: string) =>
    (await ticket(desk, subject)).comments.map((comment) => comment.body);
  const subjects = async (desk: Helpdesk) => (await desk.tickets()).map((item) => item.subject).sort();

  /** A first message from Carol, synced; returns its ticket. */
  async function firstTicket(support: SupportDesk, spec: Parameters<typeof makeMessage>[0] = {}) {
    const messageId = spec.messageId ?? uniqueMessageId();
    await support.deliver({ from: CAROL, subject: 'Printer on fire', body: 'It is on fire.', ...spec, messageId });
    await sync(support);
    const created = await ticket(support.desk, spec.subject ?? 'Printer on fire');
    return { ...created, messageId };
  }

  it('threads a reply by In-Reply-To into its ticket as a comment', async () => {
    const support = await open();
    const first = await firstTicket(support);
    await support.deliver({
      from: CAROL,
      subject: 'Re: Printer on fire',
      body: 'Now the scanner too.',
      inReplyTo: first.messageId,
      references: [first.messageId],
    });
    const run = await sync(support);
    expect({ tickets: run.tickets, comments: run.comments }).toEqual({ tickets: 0, comments: 1 });
    expect(await support.desk.ticketCount()).toBe(1);
    expect(await bodies(support.desk, 'Printer on fire')).toEqual(['It is on fire.', 'Now the scanner too.']);
  });

  it('threads by References alone, naming only an older message of the thread', async () => {
    const support = await open();
    const first = await firstTicket(support);
    const second = uniqueMessageId();
    await support.deliver({
      from: CAROL,
      subject: 'Re: Printer on fire',
      messageId: second,
      inReplyTo: first.messageId,
    });
    await sync(support);
    // A client that dropped In-Reply-To and kept only the root of the thread, behind an id we never saw.
    await support.deliver({
      from: DAVE,
      subject: 'Fwd: Printer on fire',
      body: 'Forwarding what I know.',
      references: [first.messageId, uniqueMessageId('other.test')],
    });
    await sync(support);
    expect(await support.desk.ticketCount()).toBe(1);
    const shown = await ticket(support.desk, 'Printer on fire');
    expect(shown.comments.map((comment) => comment.body)).toEqual([
      'It is on fire.',
      'It is on fire. Please help.',
      'Forwarding what I know.',
    ]);
    expect(shown.participants.map((person) => person.email)).toEqual(['dave@customer.test']);
  });

  it('threads by the subject token [#N] when the requester writes without any references', async () => {
    const support = await open();
    const first = await firstTicket(support);
    expect(first.number).toBe(1);
    await support.deliver({ from: CAROL, subject: 'Printer on fire [#1]', body: 'Any news?' });
    await sync(support);
    expect(await support.desk.ticketCount()).toBe(1);
    expect(await bodies(support.desk, 'Printer on fire')).toEqual(['It is on fire.', 'Any news?']);
  });

  it("threads a token from a participant Cc'd on the ticket, not from a stranger", async () => {
    const support = await open();
    await firstTicket(support, { cc: DAVE });
    await support.deliver(
      { from: DAVE, subject: 'Re: Printer on fire [#1]', body: 'I can confirm it.' },
      { from: MALLORY, subject: 'Re: Printer on fire [#1]', body: 'Please wire money to me.' },
    );
    const run = await sync(support);
    expect({ tickets: run.tickets, comments: run.comments }).toEqual({ tickets: 1, comments: 1 });
    expect(await bodies(support.desk, 'Printer on fire')).toEqual(['It is on fire.', 'I can confirm it.']);
    const stranger = await ticket(support.desk, 'Re: Printer on fire [#1]');
    expect(stranger.number).toBe(2);
    expect(stranger.requester.email).toBe('mallory@elsewhere.test');
    expect(stranger.comments.map((comment) => comment.body)).toEqual(['Please wire money to me.']);
  });

  it("does not thread another organization's token or ticket ids into this organization", async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const carolsInA = await firstTicket(a, { subject: 'A: printer' });
    // Organization B: Bob has tickets #1 and #2 there.
    const bobsFirstId = uniqueMessageId();
    await b.deliver(
      { from: 'Bob <bob@customer.test>', subject: 'B: invoice', messageId: bobsFirstId },
      { from: 'Bob <bob@customer.test>', subject: 'B: refund' },
    );
    await sync(b);
    const bobsFirst = await ticket(b.desk, 'B: invoice');
    const bobsSecond = await ticket(b.desk, 'B: refund');
    // Bob writes to A's address with B's tokens, and with a reply to B's ticket by Message-ID.
    // (#2 first: once Bob has a ticket of his own in A, his [#2] there would rightly be his.)
    await a.deliver(
      { from: 'Bob <bob@customer.test>', subject: 'Re: B: refund [#2]', body: 'token 2' },
      { from: 'Bob <bob@customer.test>', subject: 'Re: B: invoice [#1]', body: 'token 1' },
      {
        from: 'Bob <bob@customer.test>',
        subject: 'Re: B: refund',
        body: 'signed for B',
        inReplyTo: b.notificationId(bobsSecond.id),
      },
    );
    const run = await sync(a);
    expect({ tickets: run.tickets, comments: run.comments }).toEqual({ tickets: 3, comments: 0 });
    // A reply to a message that B received (its Message-ID is on B's ticket, not on any of A's).
    await a.deliver({ from: CAROL, subject: 'Re: B: invoice', body: 'inbound id of B', inReplyTo: bobsFirstId });
    await sync(a);
    expect((await ticket(a.desk, 'A: printer')).comments).toHaveLength(1);
    expect((await ticket(a.desk, 'A: printer')).id).toBe(carolsInA.id);
    expect(await subjects(a.desk)).toEqual([
      'A: printer',
      'Re: B: invoice',
      'Re: B: invoice [#1]',
      'Re: B: refund',
      'Re: B: refund [#2]',
    ]);
    // And B saw nothing of it.
    expect((await b.desk.ticket(bobsFirst.id)).comments).toHaveLength(1);
    expect((await b.desk.ticket(bobsSecond.id)).comments).toHaveLength(1);
    expect(await b.desk.ticketCount()).toBe(2);
  });

  it("makes a ticket in each organization when one message is sent to both organizations' addresses", async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const raw = makeMessage({ from: CAROL, to: `${a.address}, ${b.address}`, subject: 'Asking everyone' });
    await a.deliver(raw);
    await b.deliver(raw);
    await Promise.all([sync(a), sync(b)]);
    for (const support of [a, b]) {
      const created = await ticket(support.desk, 'Asking everyone');
      expect(created.number).toBe(1);
      // The other organization's address is a person Carol wrote to, as far as this one knows.
      expect(created.participants.map((person) => person.email)).toEqual([(support === a ? b : a).address]);
    }
  });

  it('does not thread a forged In-Reply-To (an id no ticket has)', async () => {
    const support = await open();
    await firstTicket(support);
    await support.deliver({
      from: CAROL,
      subject: 'Re: Printer on fire',
      body: 'A reply to something else.',
      inReplyTo: uniqueMessageId('forged.test'),
      references: [uniqueMessageId('forged.test')],
    });
    await sync(support);
    expect(await support.desk.ticketCount()).toBe(2);
    expect(await bodies(support.desk, 'Re: Printer on fire')).toEqual(['A reply to something else.']);
  });

  it('threads a reply to one of our signed notification ids without a stored row; not one signed for another organization', async () => {
    const [support, other] = await Promise.all([open(), open()]);
    const first = await firstTicket(support);
    const ours = support.notificationId(first.id);
    // Right ticket, wrong organization in the signature: the signature is valid, the claim is not ours.
    const foreign = support.notificationId(first.id, other.desk.tenant.organizationId);
    // Right organization and ticket, signed with another key: what a forger would produce.
    const forged = ours.replace(/\.[0-9a-f]{32}@/, `.${'0'.repeat(32)}@`);
    expect(forged).not.toBe(ours);
    await support.deliver(
      {
        from: CAROL,
        subject: 'Re: [Helpdesk] Printer on fire',
        body: 'Replying to your notification.',
        inReplyTo: ours,
      },
      { from: CAROL, subject: 'Foreign signature', body: 'x', inReplyTo: foreign, references: [foreign] },
      { from: CAROL, subject: 'Forged signature', body: 'y', inReplyTo: forged },
    );
    const run = await sync(support);
    expect({ tickets: run.tickets, comments: run.comments }).toEqual({ tickets: 2, comments: 1 });
    expect(await bodies(support.desk, 'Printer on fire')).toEqual(['It is on fire.', 'Replying to your notification.']);
    expect(await subjects(support.desk)).toEqual(['Foreign signature', 'Forged signature', 'Printer on fire']);
  });

  it('strips quoted history from a reply; the full text stays available', async () => {
    const support = await open();
    const first = await firstTicket(support);
    const reply = [
      'Thanks, switching it off and on again worked.',
      '',
      'On Mon, 2 Feb 2026 at 10:00, Helpdesk <support@helpdesk.test> wrote:',
      '> Have you tried switching it off and on again?',
      '>',
      '> On Sun, 1 Feb 2026, Carol Customer <carol@customer.test> wrote:',
      '>> It is on fire.',
    ].join('\r\n');
    await support.deliver({ from: CAROL, subject: 'Re: Printer on fire', body: reply, inReplyTo: first.messageId });
    await sync(support);
    const [, comment] = (await ticket(support.desk, 'Printer on fire')).comments as Array<
      TicketComment & { fullBody?: string | null }
    >;
    expect(comment.body).toBe('Thanks, switching it off and on again worked.');
    expect(comment.fullBody).toContain('> Have you tried switching it off and on again?');
    expect(comment.fullBody).toContain('Thanks, switching it off and on again worked.');
  });

  it('strips the quoted part of an HTML-only reply (Gmail) from the comment body and keeps the HTML whole', async () => {
    const support = await open();
    const first = await firstTicket(support);
    const html =
      '<div dir="ltr">Fixed now, thanks!</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">' +
      'On Mon, Feb 2, 2026 at 10:00 AM Helpdesk &lt;support@helpdesk.test&gt; wrote:<br></div>' +
      '<blockquote class="gmail_quote">Have you tried switching it off and on again?</blockquote></div>';
    const raw = makeMessage({
      from: CAROL,
      to: support.address,
      subject: 'Re: Printer on fire',
      inReplyTo: first.messageId,
    })
      .replace('Content-Type: text/plain; charset=utf-8', 'Content-Type: text/html; charset=utf-8')
      .replace('It is on fire. Please help.', html);
    await support.deliver(raw);
    await sync(support);
    const [, comment] = (await ticket(support.desk, 'Printer on fire')).comments;
    expect(comment.body).toBe('Fixed now, thanks!');
    expect(comment.html).toContain('Have you tried switching it off and on again?');
  });

  it('reopens a resolved ticket on a reply; a reply to a closed one starts a new ticket linked to it', async () => {
    const support = await open();
    const resolved = await firstTicket(support, { subject: 'Resolved one' });
    const closed = await firstTicket(support, { subject: 'Closed one' });
    await support.setStatus(resolved.id, 'resolved');
    await support.setStatus(closed.id, 'closed');
    await support.deliver(
      { from: CAROL, subject: 'Re: Resolved one', body: 'It is back.', inReplyTo: resolved.messageId },
      { from: CAROL, subject: 'Re: Closed one', body: 'Also back.', inReplyTo: closed.messageId },
    );
    const run = await sync(support);
    expect({ tickets: run.tickets, comments: run.comments }).toEqual({ tickets: 1, comments: 1 });
    const reopened = await support.desk.ticket(resolved.id);
    expect(reopened.status).toBe('open');
    expect(reopened.comments.map((comment) => comment.body)).toEqual(['It is on fire.', 'It is back.']);
    const stillClosed = await support.desk.ticket(closed.id);
    expect(stillClosed.status).toBe('closed');
    expect(stillClosed.comments).toHaveLength(1);
    const followUp = await ticket(support.desk, 'Re: Closed one');
    expect(followUp.linkedTicketId).toBe(closed.id);
    expect(followUp.number).toBe(3);
    // A further reply to the closed ticket's thread joins the follow-up instead of opening yet another.
    await support.deliver({ from: CAROL, subject: 'Re: Closed one', body: 'Hello?', inReplyTo: closed.messageId });
    await sync(support);
    expect(await support.desk.ticketCount()).toBe(3);
    expect((await support.desk.ticket(followUp.id)).comments.map((comment) => comment.body)).toEqual([
      'Also back.',
      'Hello?',
    ]);
  });

  it("records Cc'd and To'd people as participants, but neither the support address nor the sender", async () => {
    const support = await open();
    await support.deliver({
      from: CAROL,
      to: `Support <${support.address.toUpperCase()}>, Erin <erin@customer.test>`,
      cc: `${DAVE}, carol@customer.test, "Helpdesk" <${support.address}>`,
      subject: 'Team is waiting',
    });
    await sync(support);
    const created = await ticket(support.desk, 'Team is waiting');
    expect(created.requester).toEqual({ email: 'carol@customer.test', name: 'Carol Customer' });
    expect(created.participants.map((person) => person.email).sort()).toEqual([
      'dave@customer.test',
      'erin@customer.test',
    ]);
  });

  it('ingests a message delivered twice once, with or without a Message-ID', async () => {
    const support = await open();
    const withId = makeMessage({ to: support.address, from: CAROL, subject: 'Delivered twice' });
    const withoutId = withoutMessageId(
      makeMessage({ to: support.address, from: DAVE, subject: 'No id, delivered twice' }),
    );
    await support.deliver(withId, withoutId, withId, withoutId);
    const run = await sync(support);
    expect({ fetched: run.fetched, tickets: run.tickets, comments: run.comments }).toEqual({
      fetched: 4,
      tickets: 2,
      comments: 0,
    });
    // Once more in a later run, the id-less copy by another route (a relay added its own headers).
    const relayed = `Received: from relay.customer.test by mx.helpdesk.test; ${new Date().toUTCString()}\r\nDelivered-To: ${support.address}\r\n${withoutId}`;
    await support.deliver(withId, relayed);
    await sync(support);
    expect(await subjects(support.desk)).toEqual(['Delivered twice', 'No id, delivered twice']);
    for (const subject of ['Delivered twice', 'No id, delivered twice']) {
      expect((await ticket(support.desk, subject)).comments).toHaveLength(1);
    }
  });

  it('re-scans a folder the server renumbered (new UIDVALIDITY) without ingesting anything twice', async () => {
    const support = await openSupportDesk(testApp, dovecot, { folder: 'Support' });
    const withId = makeMessage({ to: support.address, from: CAROL, subject: 'Before renumbering' });
    const withoutId = withoutMessageId(makeMessage({ to: support.address, from: DAVE, subject: 'No id either' }));
    await support.deliver(withId, withoutId);
    await sync(support);
    // What a server migration or a restored backup does: the folder is rebuilt and every UID changes.
    await withMailbox(support.user, async (client) => {
      const before = await client.status(support.folder, { uidValidity: true });
      await client.mailboxDelete(support.folder);
      await client.mailboxCreate(support.folder);
      const after = await client.status(support.folder, { uidValidity: true });
      expect(after && after.uidValidity).not.toBe(before && before.uidValidity);
    });
    await support.deliver(withId, withoutId, { from: CAROL, subject: 'After renumbering' });
    const run = await sync(support);
    expect({ fetched: run.fetched, tickets: run.tickets, comments: run.comments }).toEqual({
      fetched: 3,
      tickets: 1,
      comments: 0,
    });
    expect(await subjects(support.desk)).toEqual(['After renumbering', 'Before renumbering', 'No id either']);
  });

  it('handles a thread delivered in one go oldest first, across fetch batches: one ticket with every reply', async () => {
    const support = await open();
    const ids = Array.from({ length: 12 }, () => uniqueMessageId());
    await support.deliver(
      ...ids.map((messageId, index) => ({
        from: index % 2 === 0 ? CAROL : DAVE,
        subject: index === 0 ? 'Long thread' : 'Re: Long thread',
        body: `Message ${index}`,
        messageId,
        ...(index > 0 ? { inReplyTo: ids[index - 1], references: ids.slice(0, index) } : {}),
      })),
    );
    const run = await sync(support);
    expect({ tickets: run.tickets, comments: run.comments }).toEqual({ tickets: 1, comments: 11 });
    const thread = await ticket(support.desk, 'Long thread');
    expect(thread.comments.map((comment) => comment.body)).toEqual(ids.map((_, index) => `Message ${index}`));
  });
});
