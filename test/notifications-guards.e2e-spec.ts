import { randomUUID } from 'node:crypto';
import { createSignedMessageId } from '../libs/mail/signed-message-id';
import { startMailSystem, type MailSystem } from './harness/mail-system';
import { eventually, uniqueMessageId } from './support/messages';
import {
  mailbox,
  notifications,
  NOTIFY_ENV,
  openNotifyingDesk,
  settle,
  waitForMail,
  type NotifyingDesk,
} from './support/notification-desk';
import { startTestApp, type TestApp } from './support/test-app';

const LOOP_LIMIT = 3;

/**
 * What must never be sent, or sent only in a safe form: internal notes, answers to machines, mail
 * threaded by a forged reference, bursts past the loop brake, and hostile values in templates.
 */
describe('notifications: what is never sent', () => {
  let mail: MailSystem;
  let testApp: TestApp;

  beforeAll(async () => {
    [mail, testApp] = await Promise.all([
      startMailSystem(),
      startTestApp({ ...NOTIFY_ENV, NOTIFY_LOOP_LIMIT: String(LOOP_LIMIT) }),
    ]);
  });
  afterAll(async () => {
    await testApp?.close();
    await mail?.close();
  });

  const customer = () => {
    const local = `cust-${randomUUID().slice(0, 8)}`;
    return { local, email: `${local}@customer.test`, from: `Customer <${local}@customer.test>` };
  };
  const toRecipient = (email: string) => mail.smtp.messages.filter((m) => m.envelope.to.includes(email));
  const open = () => openNotifyingDesk(testApp, mail);
  /** Waits until `count` messages were planned and none is waiting any more. */
  const allSettled = async (support: NotifyingDesk, count: number) => {
    const rows = await eventually(async () => {
      const all = await notifications(testApp, support);
      return all.length >= count && all.every((row) => row.status !== 'queued') && all;
    });
    await settle(300);
    expect(await notifications(testApp, support)).toHaveLength(rows.length);
    return rows;
  };
  const comment = (support: NotifyingDesk, ticketId: string, body: string, internal: boolean) =>
    testApp
      .http()
      .post(`/api/v1/tickets/${ticketId}/comments`)
      .auth(support.agent.token, { type: 'bearer' })
      .send({ body, internal })
      .expect(201);
  const openTicket = async (support: NotifyingDesk, body: Record<string, unknown>) =>
    (
      await testApp
        .http()
        .post('/api/v1/tickets')
        .auth(support.agent.token, { type: 'bearer' })
        .send({ subject: 'Printer on fire', body: 'Opened for you.', ...body })
        .expect(201)
    ).body as { id: string; number: number };

  it('sends nothing for an internal note', async () => {
    const support = await open();
    const person = customer();
    const ticket = await openTicket(support, { requesterEmail: person.email });
    await waitForMail(mail.dovecot, person.local, () => true);
    const before = (await notifications(testApp, support)).length;
    await comment(support, ticket.id, 'Internal: do not tell the customer.', true);
    await settle();
    expect(await notifications(testApp, support)).toHaveLength(before);
    expect(toRecipient(person.email)).toHaveLength(1);
  });

  it('does not answer an auto-reply from the customer, alone or threaded into the ticket', async () => {
    const support = await open();
    const person = customer();
    const firstId = uniqueMessageId();
    await support.deliver({ from: person.from, subject: 'Printer on fire', messageId: firstId });
    await support.desk.syncNow();
    const ack = await waitForMail(mail.dovecot, person.local, (m) => m.subject.includes('[#1]'));
    await support.deliver(
      { from: person.from, subject: 'Out of office', headers: { 'Auto-Submitted': 'auto-replied' } },
      {
        from: person.from,
        subject: `Automatic reply: ${ack.subject}`,
        inReplyTo: ack.messageId!,
        references: [firstId, ack.messageId!],
        headers: { 'Auto-Submitted': 'auto-replied', 'X-Autoreply': 'yes' },
        body: 'I am away until Monday.',
      },
    );
    const run = await support.desk.syncNow();
    expect({ tickets: run.tickets, comments: run.comments, ignored: run.ignored }).toEqual({
      tickets: 0,
      comments: 0,
      ignored: 2,
    });
    const rows = await allSettled(support, 3);
    expect(rows.filter((row) => row.recipient === person.email).map((row) => row.kind)).toEqual(['ticketReceived']);
    expect(await mailbox(mail.dovecot, person.local)).toHaveLength(1);
  });

  it('does not thread by a forged reference: the stranger gets a ticket (and an acknowledgment) of their own', async () => {
    const support = await open();
    const carol = customer();
    await support.deliver({ from: carol.from, subject: 'My private problem' });
    await support.desk.syncNow();
    const victim = await support.desk.ticketBySubject('My private problem');
    const mallory = customer();
    // Our Message-ID format for the victim's ticket, signed with a key that is not the server's.
    const forged = createSignedMessageId({
      secret: 'not-the-server-secret-but-long-enough-to-sign',
      organizationId: support.desk.tenant.organizationId,
      ticketId: victim.id,
      domain: 'helpdesk.test',
    }).replace(/^<|>$/g, '');
    await support.deliver({
      from: mallory.from,
      subject: 'Re: My private problem',
      inReplyTo: forged,
      references: [forged],
      body: 'Let me into this ticket.',
    });
    const run = await support.desk.syncNow();
    expect({ tickets: run.tickets, comments: run.comments }).toEqual({ tickets: 1, comments: 0 });
    expect((await support.desk.ticket(victim.id)).comments).toHaveLength(1);
    const ack = await waitForMail(mail.dovecot, mallory.local, () => true);
    expect(ack.subject).toContain('[#2]');
    expect(ack.subject).not.toContain('[#1]');
    await settle();
    expect(toRecipient(mallory.email)).toHaveLength(1);
  });

  it('holds back a burst of automatic mail past the loop brake and notes it on the ticket', async () => {
    const support = await open();
    const person = customer();
    const burst = 5;
    await support.deliver(
      ...Array.from({ length: burst }, (_, i) => ({
        from: person.from,
        subject: `Burst ${i + 1}`,
        body: `Mail ${i + 1}`,
      })),
    );
    const run = await support.desk.syncNow();
    expect(run.tickets).toBe(burst);
    const rows = await allSettled(support, burst * 3);
    const acks = rows.filter((row) => row.kind === 'ticketReceived');
    expect(acks.filter((row) => row.status === 'sent')).toHaveLength(LOOP_LIMIT);
    const held = acks.filter((row) => row.status === 'suppressed');
    expect(held).toHaveLength(burst - LOOP_LIMIT);
    for (const row of held) expect(row.reason).toMatch(/^Loop brake: .* already got 3 in 10 minutes of automatic mail/);
    expect(toRecipient(person.email)).toHaveLength(LOOP_LIMIT);
    expect(await mailbox(mail.dovecot, person.local)).toHaveLength(LOOP_LIMIT);
    // Agents are braked the same way, and each held-back ticket says so.
    const newTicket = rows.filter((row) => row.kind === 'newTicket' && row.recipient === support.agent.email);
    expect(newTicket.map((row) => row.status).sort()).toEqual(['sent', 'sent', 'sent', 'suppressed', 'suppressed']);
    for (const row of held) {
      const ticket = await support.desk.ticket(row.ticketId);
      const notes = ticket.comments.filter((c) => c.kind === 'system');
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatchObject({ internal: true, body: expect.stringMatching(/^Loop brake: held back/) });
      expect(notes[0].body).toContain(`ticketReceived to ${person.email}`);
    }
    // An admin can still send one that was held back.
    await testApp.http().post(`/api/v1/notifications/${held[0].id}/retry`).set(support.auth).expect(200);
    await waitForMail(mail.dovecot, person.local, (m) => m.messageId === held[0].messageId.replace(/^<|>$/g, ''));
  });

  it('sends no automatic mail for mail received days ago (an import), only for fresh mail', async () => {
    const support = await open();
    const person = customer();
    const threeDaysAgo = new Date(Date.now() - 3 * 24 * 3600 * 1000);
    await support.deliver(
      { from: person.from, subject: 'Old problem', date: threeDaysAgo },
      { from: person.from, subject: 'New problem' },
    );
    expect((await support.desk.syncNow()).tickets).toBe(2);
    const rows = await allSettled(support, 3);
    const fresh = await support.desk.ticketBySubject('New problem');
    expect(rows.every((row) => row.ticketId === fresh.id)).toBe(true);
    expect(rows.map((row) => row.kind).sort()).toEqual(['newTicket', 'newTicket', 'ticketReceived']);
  });

  it('never writes to machine mailboxes or to its own address', async () => {
    const support = await open();
    const noreply = await openTicket(support, { requesterEmail: 'no-reply@shop.test' });
    const daemon = await openTicket(support, { requesterEmail: 'MAILER-DAEMON@shop.test' });
    const itself = await openTicket(support, { requesterEmail: support.address });
    const rows = await allSettled(support, 6);
    const toRequester = (ticketId: string) => rows.find((r) => r.ticketId === ticketId && r.kind === 'agentReplied')!;
    for (const ticket of [noreply, daemon, itself]) {
      expect(toRequester(ticket.id)).toMatchObject({
        status: 'suppressed',
        reason: expect.stringMatching(/^Not sent to /),
      });
    }
    expect(toRequester(itself.id).reason).toContain('our own support address');
    expect(toRequester(daemon.id).reason).toContain('machine mailbox');
    expect(toRecipient('no-reply@shop.test')).toHaveLength(0);
    expect(toRecipient('mailer-daemon@shop.test')).toHaveLength(0);
    expect(toRecipient(support.address)).toHaveLength(0);
    // A guarded recipient stays guarded: retrying is refused.
    const guarded = toRequester(noreply.id);
    await testApp.http().post(`/api/v1/notifications/${guarded.id}/retry`).set(support.auth).expect(409);
  });

  it('renders hostile values inert: one clean message, no injected header or markup', async () => {
    const support = await open();
    await testApp
      .http()
      .put('/api/v1/settings/notifications')
      .set(support.auth)
      .send({
        notifications: {
          agentReplied: {
            subject: 'Re: {{ticket.subject}} {{comment.body}}',
            body: 'Hello {{requester.name}},\n\n{{comment.body}}\n\n{{agent.name}}',
          },
        },
      })
      .expect(200);
    const person = customer();
    const ticket = await openTicket(support, {
      requesterEmail: person.email,
      requesterName: '<b>Eve</b> & "friends" <script>alert(1)</script>',
      subject: 'Invoice {{ticket.number}}',
    });
    await waitForMail(mail.dovecot, person.local, () => true);
    const hostile =
      'line one\r\nBcc: victim@evil.test\r\nX-Injected: yes\n\n<img src=x onerror="alert(1)"> {{requester.email}}';
    await comment(support, ticket.id, hostile, false);
    const received = await waitForMail(mail.dovecot, person.local, (m) => m.text?.includes('line one') ?? false);
    await settle();
    const sent = toRecipient(person.email);
    expect(sent).toHaveLength(2);
    const raw = sent[1].raw.toString();
    const headerBlock = raw.slice(0, raw.indexOf('\r\n\r\n'));
    expect(sent[1].envelope.to).toEqual([person.email]);
    expect(mail.smtp.messages.some((m) => m.envelope.to.includes('victim@evil.test'))).toBe(false);
    expect(headerBlock).not.toMatch(/^(Bcc|X-Injected):/im);
    expect(headerBlock.match(/^Subject:/gim)).toHaveLength(1);
    expect(received.subject).toBe(
      `Re: Invoice {{ticket.number}} line one Bcc: victim@evil.test X-Injected: yes <img src=x onerror="alert(1)"> {{requester.email}} [#${ticket.number}]`,
    );
    // Values are never templates themselves, and nothing anyone wrote becomes markup.
    expect(received.text).toContain('{{requester.email}}');
    expect(received.text).toContain('Hello <b>Eve</b> & "friends" <script>alert(1)</script>,');
    expect(received.html).toContain('Hello &lt;b&gt;Eve&lt;/b&gt; &amp; &quot;friends&quot; &lt;script&gt;');
    expect(received.html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(received.html).not.toMatch(/<img|<script|<b>/i);
  });

  it('refuses a template with an unknown placeholder or logic, and honours on/off and the recipient list', async () => {
    const support = await open();
    const put = (body: object) => testApp.http().put('/api/v1/settings/notifications').set(support.auth).send(body);
    const defaults = await testApp.http().get('/api/v1/settings/notifications').set(support.auth).expect(200);
    expect(defaults.body.notifications.ticketReceived).toMatchObject({ audience: 'requester', enabled: true });
    expect(defaults.body.placeholders).toContain('ticket.number');
    const unknown = await put({ notifications: { ticketReceived: { subject: 'Hi {{ticket.secret}}' } } }).expect(400);
    expect(unknown.body.details).toEqual([
      {
        field: 'notifications.ticketReceived.subject',
        messages: [expect.stringContaining('unknown placeholder {{ticket.secret}}')],
      },
    ]);
    const logic = await put({
      notifications: { newTicket: { body: '{{#ticket}}x{{/ticket}} {{{comment.body}}}' } },
    }).expect(400);
    expect(logic.body.details[0].field).toBe('notifications.newTicket.body');
    await put({ notifications: { ticketReceived: { subject: 'Line\nbreak' } } }).expect(400);
    await put({ notifications: { bogus: { enabled: false } } }).expect(400);
    const after = await testApp.http().get('/api/v1/settings/notifications').set(support.auth).expect(200);
    expect(after.body).toEqual(defaults.body);

    const team = `team-${randomUUID().slice(0, 8)}@agents.test`;
    await put({
      notifications: { ticketReceived: { enabled: false } },
      newTicketRecipients: { mode: 'list', addresses: [team.toUpperCase()] },
    }).expect(200);
    const person = customer();
    await support.deliver({ from: person.from, subject: 'Quiet please' });
    await support.desk.syncNow();
    const rows = await allSettled(support, 1);
    expect(rows.map((row) => `${row.kind} ${row.recipient} ${row.status}`)).toEqual([`newTicket ${team} sent`]);
    expect(toRecipient(person.email)).toHaveLength(0);
  });
});
