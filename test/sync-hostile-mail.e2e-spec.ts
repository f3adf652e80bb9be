import { startDovecot, type DovecotServer } from './harness/dovecot';
import { makeMessage, uniqueMessageId } from './support/messages';
import { allRunMessages } from './support/run-messages';
import { openSupportDesk, type SupportDesk } from './support/support-desk';
import { startTestApp, type TestApp } from './support/test-app';

const KB = 1024;
const CAROL = 'Carol Customer <carol@customer.test>';

/** A message with a body of its own type (the shapes below are bodies that made parsers backtrack). */
function withBody(
  to: string,
  subject: string,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
) {
  return makeMessage({ to, from: CAROL, subject, headers })
    .replace('Content-Type: text/plain; charset=utf-8', `Content-Type: ${contentType}`)
    .replace('It is on fire. Please help.', body);
}

/** A delivery report whose Final-Recipient is `a@a@a@…`: the address pattern backtracked on it. */
function deliveryReport(to: string): string {
  const boundary = 'report';
  const body = [
    `--${boundary}`,
    'Content-Type: text/plain',
    '',
    'Delivery failed.',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.customer.test',
    '',
    `Final-Recipient: rfc822; ${'a@'.repeat(5 * KB)}`,
    'Action: failed',
    'Status: 5.1.1',
    `--${boundary}--`,
  ].join('\r\n');
  return makeMessage({ to, from: 'MAILER-DAEMON@customer.test', subject: 'Undelivered Mail Returned to Sender' })
    .replace(
      'Content-Type: text/plain; charset=utf-8',
      `Content-Type: multipart/report; report-type=delivery-status; boundary=${boundary}`,
    )
    .replace('It is on fire. Please help.', body);
}

/** Every hostile shape that issue #25 measured, one message each, with what made it slow. */
function hostileMail(to: string): { name: string; raw: string }[] {
  const references = Array.from({ length: 9000 }, () => `<${uniqueMessageId()}>`).join('\r\n ');
  return [
    { name: 'delivery report a@a@…', raw: deliveryReport(to) },
    {
      name: 'bounce text, 80 lines of 30 KB',
      raw: makeMessage({
        to,
        from: 'MAILER-DAEMON@customer.test',
        subject: 'failure notice',
        body: Array.from({ length: 80 }, () => `user ${'x'.repeat(30 * KB)}`).join('\r\n'),
      }),
    },
    {
      name: 'attribution of 100 KB spaces',
      raw: makeMessage({ to, from: CAROL, body: `Hi\r\nOn 2020\r\nOn >${' '.repeat(100 * KB)}x` }),
    },
    {
      name: '<pre> with 100 KB of spaces',
      raw: withBody(to, 'Pre', 'text/html', `<pre>${' '.repeat(100 * KB)}</pre>`),
    },
    {
      name: 'no Message-ID, 100 KB of spaces (content hash)',
      raw: makeMessage({ to, from: CAROL, subject: 'No id', body: `${' '.repeat(100 * KB)}x` }).replace(
        /^Message-ID: [^\r\n]*\r\n/m,
        '',
      ),
    },
    { name: '1 MB of unclosed <div>', raw: withBody(to, 'Divs', 'text/html', '<div>'.repeat(200 * KB)) },
    { name: '1 MB of "<div "', raw: withBody(to, 'Div attrs', 'text/html', '<div '.repeat(200 * KB)) },
    { name: 'References of 400 KB', raw: withBody(to, 'Refs', 'text/plain', 'Threads?', { References: references }) },
  ];
}

/**
 * Mail that anyone can send to any support address, each shape of issue #25: in one tenant's mailbox,
 * while another tenant's API is asked over and over. Each message ends with an outcome (a ticket, an
 * ignored bounce, or a failure with a reason), none is an internal error or a timeout, and the other
 * tenant is answered all along.
 */
describe('sync ingestion: hostile mail in one tenant does not stall the others', () => {
  let dovecot: DovecotServer;
  let testApp: TestApp;
  let hostile: SupportDesk;
  let other: SupportDesk;

  beforeAll(async () => {
    [dovecot, testApp] = await Promise.all([startDovecot(), startTestApp({ MAIL_ALLOW_PRIVATE_HOSTS: 'true' })]);
    [hostile, other] = await Promise.all([openSupportDesk(testApp, dovecot), openSupportDesk(testApp, dovecot)]);
  });
  afterAll(async () => {
    await testApp?.close();
    await dovecot?.close();
  });

  it('takes every hostile shape to an outcome while the other tenant is served', async () => {
    const shapes = hostileMail(hostile.address);
    const uids = await hostile.deliver(...shapes.map((shape) => shape.raw), { subject: 'After them' });
    const running = hostile.desk.syncNow();
    let finished = false;
    void running.finally(() => (finished = true));
    const latencies: number[] = [];
    const auth = { Authorization: `Bearer ${other.desk.tenant.admin.token}` };
    while (!finished) {
      const startedAt = Date.now();
      await testApp.http().get('/api/v1/me').set(auth).expect(200);
      latencies.push(Date.now() - startedAt);
    }
    const run = await running;
    // A figure, not a bound: timings belong to the benchmarks.
    process.stdout.write(
      `other tenant: ${latencies.length} requests during the run, slowest ${Math.max(...latencies)} ms\n`,
    );

    expect(run.status).toBe('succeeded');
    expect(run.tickets + run.comments + run.ignored + run.failed).toBe(run.fetched);
    const listed = new Map((await allRunMessages(hostile.desk, run.id)).map((message) => [message.uid, message]));
    const outcomes = shapes.map((shape, index) => {
      const message = listed.get(uids[index]);
      return { shape: shape.name, outcome: message?.outcome ?? 'missing', reason: message?.reason ?? null };
    });
    const unexpected = outcomes.filter(
      ({ outcome, reason }) =>
        outcome === 'missing' || (outcome === 'failed' && /^(internal|processing-timeout)/.test(reason ?? '')),
    );
    expect(unexpected).toEqual([]);
    expect(listed.get(uids[uids.length - 1])?.outcome).toBe('ticket');
  });
});
