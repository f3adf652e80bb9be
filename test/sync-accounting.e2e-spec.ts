import { startDovecot, type DovecotServer } from './harness/dovecot';
import { makeMessage, uniqueMessageId } from './support/messages';
import { allRunMessages } from './support/run-messages';
import { openSupportDesk, type SupportDesk } from './support/support-desk';
import { startTestApp, type TestApp } from './support/test-app';

const CAROL = 'Carol Customer <carol@customer.test>';

/** Every message a run fetched has one outcome: the counts add up, in the run and in the all-time totals. */
describe('sync accounting: every message has an outcome', () => {
  let dovecot: DovecotServer;
  let testApp: TestApp;
  let support: SupportDesk;

  beforeAll(async () => {
    [dovecot, testApp] = await Promise.all([startDovecot(), startTestApp({ MAIL_ALLOW_PRIVATE_HOSTS: 'true' })]);
    support = await openSupportDesk(testApp, dovecot);
  });
  afterAll(async () => {
    await testApp?.close();
    await dovecot?.close();
  });

  it('ingests different messages that reuse one Message-ID, and ignores a true copy as a duplicate', async () => {
    const shared = uniqueMessageId();
    const alpha = makeMessage({ from: CAROL, subject: 'Alpha', body: 'The printer is on fire.', messageId: shared });
    const beta = makeMessage({
      from: 'Dan <dan@customer.test>',
      subject: 'Beta',
      body: 'The scanner jams.',
      messageId: shared,
      date: new Date('2026-11-02T10:00:00Z'),
    });
    const reply = makeMessage({ from: CAROL, subject: 'Re: Alpha', body: 'Still burning.', inReplyTo: shared });
    const [uidAlpha, uidBeta, uidCopy, uidReply] = await support.deliver(alpha, beta, alpha, reply);
    const run = await support.desk.syncNow();

    const alphaTicket = await support.desk.ticketBySubject('Alpha');
    const betaTicket = await support.desk.ticketBySubject('Beta');
    expect(betaTicket.id).not.toBe(alphaTicket.id);
    expect(betaTicket.requester.email).toBe('dan@customer.test');
    expect(alphaTicket.comments.map((comment) => comment.body)).toEqual(['The printer is on fire.', 'Still burning.']);
    expect({ fetched: run.fetched, tickets: run.tickets, comments: run.comments, ignored: run.ignored }).toEqual({
      fetched: 4,
      tickets: 2,
      comments: 1,
      ignored: 1,
    });
    const listed = await allRunMessages(support.desk, run.id, 1);
    expect(listed.map(({ uid, outcome, reason, ticketId }) => ({ uid, outcome, reason, ticketId }))).toEqual([
      { uid: uidAlpha, outcome: 'ticket', reason: null, ticketId: alphaTicket.id },
      { uid: uidBeta, outcome: 'ticket', reason: null, ticketId: betaTicket.id },
      { uid: uidCopy, outcome: 'ignored', reason: 'duplicate', ticketId: alphaTicket.id },
      { uid: uidReply, outcome: 'comment', reason: null, ticketId: alphaTicket.id },
    ]);
  });

  it('keeps telling them apart in later runs, and threads a reply to our notification about the second', async () => {
    const shared = uniqueMessageId();
    const first = makeMessage({ from: CAROL, subject: 'First of two', body: 'One.', messageId: shared });
    const second = makeMessage({ from: CAROL, subject: 'Second of two', body: 'Two.', messageId: shared });
    await support.deliver(first, second);
    await support.desk.syncNow();
    const secondTicket = await support.desk.ticketBySubject('Second of two');
    const gamma = makeMessage({ from: CAROL, subject: 'Third of two', body: 'Three.', messageId: shared });
    const answer = makeMessage({
      from: CAROL,
      subject: 'Re: Second of two',
      body: 'Thanks for the answer.',
      inReplyTo: support.notificationId(secondTicket.id),
    });
    await support.deliver(second, gamma, answer);
    const run = await support.desk.syncNow();

    const listed = await allRunMessages(support.desk, run.id);
    expect(listed.map(({ outcome, reason }) => `${outcome} ${reason ?? ''}`.trim())).toEqual([
      'ignored duplicate',
      'ticket',
      'comment',
    ]);
    expect(listed[0].ticketId).toBe(secondTicket.id);
    expect((await support.desk.ticketBySubject('Third of two')).id).toBe(listed[1].ticketId);
    expect(listed[2].ticketId).toBe(secondTicket.id);
  });

  it('keeps the all-time totals equal to the sum of the outcomes', async () => {
    const { totals } = await support.desk.status();
    expect(totals.fetched).toBeGreaterThan(0);
    expect(totals.tickets + totals.comments + totals.ignored + totals.failed).toBe(totals.fetched);
  });

  it('answers 404 for the messages of another organization’s run, and 400 for a bad page', async () => {
    const [{ id }] = await support.desk.runs();
    const other = await openSupportDesk(testApp, dovecot, { start: false });
    await other.desk.testApp
      .http()
      .get(`/api/v1/sync/runs/${id}/messages`)
      .auth(other.desk.tenant.admin.token, { type: 'bearer' })
      .expect(404);
    await support.desk.testApp
      .http()
      .get(`/api/v1/sync/runs/${id}/messages?limit=0`)
      .auth(support.desk.tenant.admin.token, { type: 'bearer' })
      .expect(400);
  });
});
