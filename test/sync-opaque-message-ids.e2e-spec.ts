import { createHmac, randomBytes } from 'node:crypto';
import { MESSAGE_ID_SECRET } from '../src/config/message-id-secret';
import { startDovecot, type DovecotServer } from './harness/dovecot';
import { uniqueMessageId } from './support/messages';
import { openSupportDesk, type SupportDesk } from './support/support-desk';
import { startTestApp, type TestApp } from './support/test-app';

const CAROL = 'Carol Customer <carol@customer.test>';

/**
 * Our Message-IDs name no organization or ticket (they are sealed), yet a reply to one threads into its
 * ticket without a stored row, and so does a reply to an id of the first format (ids in clear, signed).
 */
describe('sync ingestion: replies to our opaque Message-IDs, and to ids of the first format', () => {
  let dovecot: DovecotServer;
  let testApp: TestApp;

  beforeAll(async () => {
    [dovecot, testApp] = await Promise.all([startDovecot(), startTestApp({ MAIL_ALLOW_PRIVATE_HOSTS: 'true' })]);
  });
  afterAll(async () => {
    await testApp?.close();
    await dovecot?.close();
  });

  async function deskWithTicket(): Promise<{ support: SupportDesk; ticketId: string }> {
    const support = await openSupportDesk(testApp, dovecot);
    await support.deliver({
      from: CAROL,
      subject: 'Printer on fire',
      body: 'It is on fire.',
      messageId: uniqueMessageId(),
    });
    await support.desk.syncNow();
    return { support, ticketId: (await support.desk.ticketBySubject('Printer on fire')).id };
  }

  async function replyThreads(support: SupportDesk, inReplyTo: string, body: string): Promise<void> {
    await support.deliver({ from: CAROL, subject: 'Re: something', body, inReplyTo });
    const run = await support.desk.syncNow();
    expect({ status: run.status, tickets: run.tickets, comments: run.comments }).toEqual({
      status: 'succeeded',
      tickets: 0,
      comments: 1,
    });
    const comments = (await support.desk.ticketBySubject('Printer on fire')).comments.map((c) => c.body);
    expect(comments).toEqual(['It is on fire.', body]);
  }

  it('a reply to an opaque id threads; the id shows neither the organization nor the ticket', async () => {
    const { support, ticketId } = await deskWithTicket();
    const ours = support.notificationId(ticketId);
    for (const uuid of [ticketId, support.desk.tenant.organizationId]) {
      expect(ours).not.toContain(uuid);
      expect(ours).not.toContain(uuid.replace(/-/g, ''));
    }
    await replyThreads(support, ours, 'Replying to your notification.');
  });

  it('a reply to an id of the first format still threads', async () => {
    const { support, ticketId } = await deskWithTicket();
    const organizationId = support.desk.tenant.organizationId;
    const nonce = randomBytes(8).toString('hex');
    const signature = createHmac('sha256', testApp.app.get<string>(MESSAGE_ID_SECRET))
      .update(`hd1|${organizationId}|${ticketId}|${nonce}`)
      .digest()
      .subarray(0, 16)
      .toString('hex');
    await replyThreads(
      support,
      `<hd.${organizationId}.${ticketId}.${nonce}.${signature}@helpdesk.test>`,
      'Sent before.',
    );
  });
});
