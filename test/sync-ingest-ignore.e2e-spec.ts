import { randomUUID } from 'node:crypto';
import { OWN_MAIL_HEADER } from '../libs/mail/own-mail';
import { VERIFY_PROBE_HEADER } from '../src/settings/verify-probe';
import { startMailSystem, type MailSystem } from './harness/mail-system';
import { Helpdesk } from './support/helpdesk';
import { daemonBounce, postfixBounce } from './support/machine-mail';
import { uniqueMessageId } from './support/messages';
import { openSupportDesk, type SupportDesk } from './support/support-desk';
import { startTestApp, type TestApp } from './support/test-app';
import { createTenant } from './support/tenants';

const CAROL = 'Carol Customer <carol@customer.test>';
/** The mail provider's account that can send (SMTP AUTH) and receive; see startMailSystem. */
const PROVIDER_ACCOUNT = { user: 'support', password: 'support-secret', address: 'support@example.test' };

/**
 * Machine mail never becomes a ticket: auto-replies, bounces, our own mail coming back, mail from the
 * support address and the settings check. Each is listed in the run with its reason. Real Dovecot, plus
 * a real SMTP server delivering into it for the settings round trip.
 */
describe('sync ingestion: machine mail is ignored with a reason', () => {
  let mail: MailSystem;
  let testApp: TestApp;

  beforeAll(async () => {
    [mail, testApp] = await Promise.all([
      startMailSystem({ users: [PROVIDER_ACCOUNT] }),
      startTestApp({ MAIL_ALLOW_PRIVATE_HOSTS: 'true', MAIL_VERIFY_TIMEOUT_MS: '5000' }),
    ]);
  });
  afterAll(async () => {
    await testApp?.close();
    await mail?.close();
  });

  const open = () => openSupportDesk(testApp, mail.dovecot);

  async function sync(support: { desk: Helpdesk }) {
    const run = await support.desk.syncNow();
    expect({ status: run.status, failed: run.failed, error: run.error }).toEqual({
      status: 'succeeded',
      failed: 0,
      error: null,
    });
    return run;
  }

  async function ticketFromCarol(support: SupportDesk, subject: string) {
    await support.deliver({ from: CAROL, subject });
    await sync(support);
    return support.desk.ticketBySubject(subject);
  }

  it('ignores auto-replies, bounces, our own mail, mail from the support address and the probe; lists each', async () => {
    const support = await open();
    const outOfOffice = { from: CAROL, body: 'I am away until Monday.' };
    await support.deliver(
      { ...outOfOffice, subject: 'Out of office', headers: { 'Auto-Submitted': 'auto-replied' } },
      { ...outOfOffice, subject: 'Away', headers: { 'X-Autoreply': 'yes' } },
      { from: 'News <news@vendor.test>', subject: 'Our spring offers', headers: { Precedence: 'bulk' } },
      { ...outOfOffice, subject: 'Automatic reply: Printer on fire' },
      postfixBounce({ to: support.address, originalMessageId: uniqueMessageId('elsewhere.test') }),
      daemonBounce(support.address),
      {
        from: `Acme Support <${support.address}>`,
        to: 'carol@customer.test',
        cc: support.address,
        subject: '[#7] We received your request',
        headers: { [OWN_MAIL_HEADER]: 'notification' },
      },
      {
        // Our notification forwarded back by a rule that dropped our header: its Message-ID is still ours.
        from: 'Acme Support <noreply@helpdesk.test>',
        subject: 'Fwd: [#8] We received your request',
        messageId: support.notificationId(randomUUID()),
      },
      { from: `Acme Support <${support.address}>`, subject: 'Sent from the support address itself' },
      {
        from: `Acme Support <${support.address}>`,
        subject: 'Helpdesk email check',
        headers: { [VERIFY_PROBE_HEADER]: randomUUID() },
      },
      // A person's mail that merely looks automatic is a ticket.
      { from: CAROL, subject: 'Out of office on Friday, please cover', headers: { 'Auto-Submitted': 'no' } },
    );
    const run = await sync(support);
    expect({ fetched: run.fetched, tickets: run.tickets, comments: run.comments, ignored: run.ignored }).toEqual({
      fetched: 11,
      tickets: 1,
      comments: 0,
      ignored: 10,
    });
    expect(run.ignoredMessages.map(({ subject, reason, ticketId }) => ({ subject, reason, ticketId }))).toEqual(
      [
        ['Out of office', 'auto-reply:auto-submitted'],
        ['Away', 'auto-reply:x-autoreply'],
        ['Our spring offers', 'auto-reply:precedence-bulk'],
        ['Automatic reply: Printer on fire', 'auto-reply:subject-auto-reply'],
        ['Undelivered Mail Returned to Sender', 'bounce:delivery-status-report'],
        ['Mail delivery failed: returning message to sender', 'bounce:mailer-daemon-sender'],
        ['[#7] We received your request', 'own-notification'],
        ['Fwd: [#8] We received your request', 'own-notification'],
        ['Sent from the support address itself', 'from-support-address'],
        ['Helpdesk email check', 'verify-probe'],
      ].map(([subject, reason]) => ({ subject, reason, ticketId: null })),
    );
    expect((await support.desk.tickets()).map((ticket) => ticket.subject)).toEqual([
      'Out of office on Friday, please cover',
    ]);
    const status = await support.desk.status();
    expect(status.totals).toMatchObject({ fetched: 11, tickets: 1, ignored: 10, failed: 0 });
    // The runs list shows the same reasons later.
    const [listed] = await support.desk.runs();
    expect(listed.id).toBe(run.id);
    expect(listed.ignoredMessages).toHaveLength(10);
  });

  it('turns a bounce of one of our notifications into a delivery-failure note on its ticket', async () => {
    const support = await open();
    const ticket = await ticketFromCarol(support, 'Printer on fire');
    await support.deliver(
      postfixBounce({
        to: support.address,
        originalMessageId: support.notificationId(ticket.id),
        failedRecipient: 'carol@customer.test',
      }),
      // Postfix configured to return only the headers of the bounced mail.
      postfixBounce({
        to: support.address,
        originalMessageId: support.notificationId(ticket.id),
        failedRecipient: 'carol@customer.test',
        returned: 'text/rfc822-headers',
      }),
    );
    const run = await sync(support);
    expect({ tickets: run.tickets, comments: run.comments, ignored: run.ignored }).toEqual({
      tickets: 0,
      comments: 0,
      ignored: 2,
    });
    expect(run.ignoredMessages.map(({ reason, ticketId }) => ({ reason, ticketId }))).toEqual([
      { reason: 'bounce:delivery-status-report', ticketId: ticket.id },
      { reason: 'bounce:delivery-status-report', ticketId: ticket.id },
    ]);
    expect(await support.desk.ticketCount()).toBe(1);
    const shown = await support.desk.ticket(ticket.id);
    expect(shown.status).toBe('new');
    expect(shown.comments.map(({ kind, internal }) => ({ kind, internal }))).toEqual([
      { kind: 'requester', internal: false },
      { kind: 'system', internal: true },
      { kind: 'system', internal: true },
    ]);
    // The agent sees which address could not be reached.
    expect(shown.comments[1].body).toMatch(/^Delivery failed/);
    expect(shown.comments[1].body).toContain('carol@customer.test');
  });

  it('notes a delay warning for one of our notifications as a delay, not as a failure', async () => {
    const support = await open();
    const ticket = await ticketFromCarol(support, 'Printer on fire');
    await support.deliver(
      postfixBounce({
        to: support.address,
        originalMessageId: support.notificationId(ticket.id),
        failedRecipient: 'dave@customer.test',
        action: 'delayed',
      }),
    );
    const run = await sync(support);
    expect(run.ignoredMessages.map(({ reason, ticketId }) => ({ reason, ticketId }))).toEqual([
      { reason: 'bounce:delivery-delayed', ticketId: ticket.id },
    ]);
    const note = (await support.desk.ticket(ticket.id)).comments[1];
    expect(note.kind).toBe('system');
    expect(note.body).toMatch(/^Delivery delayed/);
    expect(note.body).not.toMatch(/fail/i);
  });

  it('ignores an out-of-office reply to one of our notifications instead of adding it to the ticket', async () => {
    const support = await open();
    const ticket = await ticketFromCarol(support, 'Printer on fire');
    await support.deliver({
      from: CAROL,
      subject: 'Automatic reply: [#1] We received your request',
      body: 'I am out of the office until Monday.',
      inReplyTo: support.notificationId(ticket.id),
      headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
    });
    const run = await sync(support);
    expect(run.ignoredMessages.map(({ reason }) => reason)).toEqual(['auto-reply:auto-submitted']);
    expect((await support.desk.ticket(ticket.id)).comments).toHaveLength(1);
  });

  it('ignores the probe of a real settings round trip (SMTP into the mailbox) and the outgoing test message', async () => {
    const desk = new Helpdesk(testApp, await createTenant(testApp));
    const auth = { Authorization: `Bearer ${desk.tenant.admin.token}` };
    await testApp
      .http()
      .put('/api/v1/settings/email/incoming')
      .set(auth)
      .send({
        host: mail.dovecot.host,
        port: mail.dovecot.imapPort,
        security: 'none',
        username: PROVIDER_ACCOUNT.user,
        password: PROVIDER_ACCOUNT.password,
        verifyCertificate: false,
        address: PROVIDER_ACCOUNT.address,
      })
      .expect(200);
    await testApp
      .http()
      .put('/api/v1/settings/email/outgoing')
      .set(auth)
      .send({ host: mail.smtp.host, port: mail.smtp.port, security: 'starttls', verifyCertificate: false })
      .expect(200);
    await desk.start({ from: 'current-date' });
    const verified = await testApp.http().post('/api/v1/settings/email/verify').set(auth).expect(200);
    expect(verified.body).toMatchObject({ ok: true, address: PROVIDER_ACCOUNT.address });
    const tested = await testApp
      .http()
      .post('/api/v1/settings/email/outgoing/test')
      .set(auth)
      .send({ to: PROVIDER_ACCOUNT.address })
      .expect(200);
    expect(tested.body.ok).toBe(true);
    await mail.smtp.waitFor((message) => message.raw.toString().includes(tested.body.messageId));
    const run = await sync({ desk });
    expect(run.tickets).toBe(0);
    expect(run.ignoredMessages.map(({ reason }) => reason)).toEqual(['verify-probe', 'verify-probe']);
    expect(await desk.ticketCount()).toBe(0);
  });
});
