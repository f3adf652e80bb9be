import { verifySignedMessageId } from '../libs/mail/signed-message-id';
import { MESSAGE_ID_SECRET } from '../src/config/message-id-secret';
import { startMailSystem, type MailSystem } from './harness/mail-system';
import { eventually, uniqueMessageId } from './support/messages';
import {
  mailbox,
  notifications,
  NOTIFY_ENV,
  openNotifyingDesk,
  waitForMail,
  type ReceivedMail,
} from './support/notification-desk';
import { startTestApp, type TestApp } from './support/test-app';

const CAROL = 'Carol Customer <carol@customer.test>';

/**
 * The whole conversation through real servers: the customer writes to the support mailbox (Dovecot),
 * sync makes a ticket, our acknowledgment goes out through the SMTP server into the customer's Dovecot
 * mailbox, the customer answers it, an agent replies through the API, and the customer gets that reply
 * threaded. Agents are notified at an address that lands in the support mailbox itself, so sync sees
 * our own mail there on every run and must leave it alone.
 */
describe('notifications: the full email loop', () => {
  let mail: MailSystem;
  let testApp: TestApp;

  beforeAll(async () => {
    [mail, testApp] = await Promise.all([startMailSystem(), startTestApp(NOTIFY_ENV)]);
  });
  afterAll(async () => {
    await testApp?.close();
    await mail?.close();
  });

  const isOurs = (message: ReceivedMail) => message.header('x-helpdesk-mail') !== undefined;

  it('acknowledges, threads the answer, sends the agent reply threaded, and never ingests its own mail', async () => {
    const secret = testApp.app.get<string>(MESSAGE_ID_SECRET);
    const support = await openNotifyingDesk(testApp, mail, { agentEmail: (desk) => `${desk.user}@agents.test` });
    const { desk } = support;
    const organizationId = desk.tenant.organizationId;

    // 1. The customer writes in; sync makes ticket #1.
    const firstId = uniqueMessageId();
    await support.deliver({ from: CAROL, subject: 'Printer on fire', body: 'It is on fire.', messageId: firstId });
    const firstRun = await desk.syncNow();
    expect({ tickets: firstRun.tickets, failed: firstRun.failed }).toEqual({ tickets: 1, failed: 0 });
    const ticket = await desk.ticketBySubject('Printer on fire');
    expect(ticket.number).toBe(1);

    // 2. The acknowledgment arrives in the customer's mailbox, signed, threaded and marked as automatic.
    const ack = await waitForMail(mail.dovecot, 'carol', (m) => m.subject.includes('[#1]'));
    expect(ack.subject).toBe('We received your request: Printer on fire [#1]');
    expect(ack.from).toEqual({ address: support.address, name: 'Acme Support' });
    expect(ack.header('auto-submitted')).toBe('auto-replied');
    expect(isOurs(ack)).toBe(true);
    expect(ack.inReplyTo).toEqual([firstId]);
    expect(ack.references).toEqual([firstId]);
    expect(verifySignedMessageId(secret, ack.messageId!)).toEqual({ organizationId, ticketId: ticket.id });
    expect(ack.text).toContain('ticket 1');

    // Agents hear about the new ticket: the agent's address lands in the support mailbox itself.
    await waitForMail(mail.dovecot, support.user, (m) => isOurs(m) && m.subject.startsWith('New ticket:'));

    // 3. The customer answers the acknowledgment, quoting it.
    const replyId = uniqueMessageId();
    await support.deliver({
      from: CAROL,
      subject: `Re: ${ack.subject}`,
      messageId: replyId,
      inReplyTo: ack.messageId!,
      references: [firstId, ack.messageId!],
      body: [
        'The paper tray is melting as well.',
        '',
        `On ${new Date().toUTCString()}, Acme Support <${support.address}> wrote:`,
        ...ack
          .text!.trim()
          .split('\n')
          .map((line) => `> ${line}`),
      ].join('\r\n'),
    });
    const replyRun = await desk.syncNow();
    expect({ tickets: replyRun.tickets, comments: replyRun.comments }).toEqual({ tickets: 0, comments: 1 });
    expect(replyRun.ignoredMessages.map((m) => m.reason)).toEqual(['own-notification']);
    const afterReply = await desk.ticket(ticket.id);
    expect(afterReply.comments.map((c) => [c.kind, c.body])).toEqual([
      ['requester', 'It is on fire.'],
      ['requester', 'The paper tray is melting as well.'],
    ]);

    // The (unassigned) ticket's agents are told about the reply, again in the support mailbox.
    await waitForMail(mail.dovecot, support.user, (m) => isOurs(m) && m.subject.startsWith('New reply:'));

    // 4. An agent replies through the API; the customer gets it threaded, with the token in the subject.
    await testApp
      .http()
      .post(`/api/v1/tickets/${ticket.id}/comments`)
      .auth(support.agent.token, { type: 'bearer' })
      .send({ body: 'Please unplug it and step away.', internal: false })
      .expect(201);
    const answer = await waitForMail(mail.dovecot, 'carol', (m) => m.text?.includes('Please unplug it') ?? false);
    expect(answer.subject).toBe('Re: Printer on fire [#1]');
    expect(answer.header('auto-submitted')).toBeUndefined();
    expect(isOurs(answer)).toBe(true);
    expect(answer.inReplyTo).toEqual([replyId]);
    expect(answer.references).toEqual(expect.arrayContaining([firstId, ack.messageId!, replyId]));
    expect(answer.references[0]).toBe(firstId);
    expect(verifySignedMessageId(secret, answer.messageId!)).toEqual({ organizationId, ticketId: ticket.id });
    expect(answer.text).toContain('Alice Agent');
    expect(answer.html).toContain('Please unplug it and step away.');

    // 5. Nothing of ours was ever ingested: the support mailbox holds our notifications, sync ignored them.
    const finalRun = await desk.syncNow();
    expect(finalRun.tickets + finalRun.comments).toBe(0);
    const ours = (await mailbox(mail.dovecot, support.user)).filter(isOurs);
    expect(ours.map((m) => m.subject.split(':')[0]).sort()).toEqual(['New reply', 'New ticket']);
    expect(await desk.ticketCount()).toBe(1);
    expect((await desk.ticket(ticket.id)).comments.map((c) => c.kind)).toEqual(['requester', 'requester', 'agent']);
    const ignored = (await desk.runs()) as { ignoredMessages: { reason: string }[] }[];
    expect(ignored.flatMap((run) => run.ignoredMessages.map((m) => m.reason))).toEqual([
      'own-notification',
      'own-notification',
    ]);

    // Every message went out once, and the outbox says so.
    const sent = await eventually(async () => {
      const rows = await notifications(testApp, support);
      return rows.every((row) => row.status === 'sent') && rows;
    });
    expect(sent.map((row) => `${row.kind} ${row.recipient}`).sort()).toEqual(
      [
        `agentReplied carol@customer.test`,
        `newTicket ${support.agent.email}`,
        `newTicket ${desk.tenant.admin.email}`,
        `requesterReplied ${support.agent.email}`,
        `requesterReplied ${desk.tenant.admin.email}`,
        `ticketReceived carol@customer.test`,
      ].sort(),
    );
    const toCarol = mail.smtp.messages.filter((m) => m.envelope.to.includes('carol@customer.test'));
    expect(toCarol).toHaveLength(2);
    expect((await mailbox(mail.dovecot, 'carol')).length).toBe(2);
  });
});
