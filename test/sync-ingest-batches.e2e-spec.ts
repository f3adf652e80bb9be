import { TicketsService } from '../src/tickets/tickets.service';
import type { Helpdesk } from './support/helpdesk';
import { makeMessage, uniqueMessageId, type MessageSpec } from './support/messages';
import type { SupportDesk } from './support/support-desk';
import { syncFixture } from './support/sync-fixture';

/** The default listing page (200), so a run commits its mail in batches of up to 50 messages. */
const SYNC_ENV = { MAIL_ALLOW_PRIVATE_HOSTS: 'true' };

/** A message with a small PDF attached. */
function withAttachment(spec: MessageSpec & { to: string }, filename: string): string {
  const plain = makeMessage(spec);
  const [head] = plain.split('\r\nMIME-Version: 1.0');
  return [
    head,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    spec.body ?? 'See attached.',
    '--b1',
    `Content-Type: application/pdf; name="${filename}"`,
    'Content-Transfer-Encoding: base64',
    `Content-Disposition: attachment; filename="${filename}"`,
    '',
    Buffer.from(`%PDF-1.4 ${filename}`).toString('base64'),
    '--b1--',
    '',
  ].join('\r\n');
}

/**
 * A whole batch of mail in one run: new mail is written together, while replies to mail of the same
 * batch or to older tickets, subject tokens, auto-replies and repeats keep their meaning and their order.
 */
describe('sync ingestion: mail written a batch at a time', () => {
  const mail = syncFixture(SYNC_ENV);
  afterEach(() => jest.restoreAllMocks());

  async function syncClean(support: SupportDesk) {
    const run = await support.desk.syncNow();
    expect({ status: run.status, failed: run.failed }).toEqual({ status: 'succeeded', failed: 0 });
    return run;
  }

  const numbers = async (desk: Helpdesk) =>
    new Map((await desk.tickets('pageSize=100')).map((item) => [item.subject, item.number]));

  /** 40 new requests with, between them, replies to each other, to an older ticket, a token and noise. */
  async function deliverMixedBatch(support: SupportDesk, older: { number: number; messageId: string }) {
    const ids = Array.from({ length: 40 }, () => uniqueMessageId());
    const mail: Array<MessageSpec | string> = [];
    ids.forEach((messageId, index) => {
      const from = `Customer ${index} <customer-${index}@customer.test>`;
      const subject = `Request ${String(index).padStart(2, '0')}`;
      mail.push(
        index % 5 === 0
          ? withAttachment({ to: support.address, from, subject, messageId }, `scan-${index}.pdf`)
          : { from, subject, messageId, cc: index % 7 === 0 ? 'Dave <dave@customer.test>' : undefined },
      );
      // A reply to a request of this same batch, a few messages later.
      if (index % 10 === 3) {
        mail.push({
          from,
          subject: `Re: Request ${String(index - 2).padStart(2, '0')}`,
          body: `Follow-up on ${index - 2}`,
          inReplyTo: ids[index - 2],
          references: [ids[index - 2]],
        });
      }
    });
    mail.splice(10, 0, {
      from: 'Carol Customer <carol@customer.test>',
      subject: 'Re: Older question',
      body: 'Answer to the older ticket',
      inReplyTo: older.messageId,
    });
    mail.splice(20, 0, {
      from: 'Carol Customer <carol@customer.test>',
      subject: `Still waiting [#${older.number}]`,
      body: 'By token',
    });
    mail.splice(30, 0, {
      from: 'Customer 3 <customer-3@customer.test>',
      subject: 'Out of office',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    // Delivered twice: the second copy is a duplicate, ignored as such and counted.
    const repeated = mail[5];
    mail.push(repeated);
    await support.deliver(...mail);
    return mail.length;
  }

  async function expectMixedBatchIngested(support: SupportDesk, older: { number: number }, delivered: number) {
    const run = await syncClean(support);
    expect({ fetched: run.fetched, tickets: run.tickets, comments: run.comments, ignored: run.ignored }).toEqual({
      fetched: delivered,
      tickets: 40,
      comments: 4 + 2,
      ignored: 2,
    });
    expect(run.ignoredMessages.map((message) => message.reason).sort()).toEqual([
      'auto-reply:auto-submitted',
      'duplicate',
    ]);
    expect(run.ignoredMessages.find((message) => message.reason === 'duplicate')?.ticketId).toEqual(expect.any(String));
    const byNumber = await numbers(support.desk);
    // Numbered in the order the mail arrived, after the older ticket.
    const requestNumbers = Array.from({ length: 40 }, (_, index) =>
      byNumber.get(`Request ${String(index).padStart(2, '0')}`),
    );
    expect(requestNumbers).toEqual(Array.from({ length: 40 }, (_, index) => older.number + 1 + index));
    for (const index of [1, 11, 21, 31]) {
      const request = await support.desk.ticketBySubject(`Request ${String(index).padStart(2, '0')}`);
      expect(request.comments.map((comment) => comment.body.trim())).toEqual([
        'It is on fire. Please help.',
        `Follow-up on ${index}`,
      ]);
    }
    const olderTicket = await support.desk.ticketBySubject('Older question');
    expect(olderTicket.comments.map((comment) => comment.body.trim()).slice(1)).toEqual([
      'Answer to the older ticket',
      'By token',
    ]);
    const scanned = await support.desk.ticketBySubject('Request 05');
    expect(scanned.comments[0].attachments.map((attachment) => attachment.filename)).toEqual(['scan-5.pdf']);
    const ccd = await support.desk.ticketBySubject('Request 07');
    expect(ccd.participants.map((person) => person.email)).toEqual(['dave@customer.test']);
  }

  async function olderTicket(support: SupportDesk) {
    const messageId = uniqueMessageId();
    await support.deliver({ from: 'Carol Customer <carol@customer.test>', subject: 'Older question', messageId });
    await syncClean(support);
    const ticket = await support.desk.ticketBySubject('Older question');
    return { number: ticket.number, messageId };
  }

  it('writes new mail together and still threads replies within the batch, to older tickets and by token', async () => {
    const support = await mail.desk();
    const older = await olderTicket(support);
    const delivered = await deliverMixedBatch(support, older);
    await expectMixedBatchIngested(support, older, delivered);
  });

  it('goes message by message, with the same result, when writing a run of new mail together fails', async () => {
    const support = await mail.desk();
    const older = await olderTicket(support);
    const delivered = await deliverMixedBatch(support, older);
    // A fault no real server shows on demand (say, the database refusing one statement of many).
    const writeTogether = jest
      .spyOn(mail.testApp.app.get(TicketsService), 'createTicketsFromEmails')
      .mockRejectedValue(new Error('statement refused'));
    await expectMixedBatchIngested(support, older, delivered);
    expect(writeTogether).toHaveBeenCalled();
  });
});
