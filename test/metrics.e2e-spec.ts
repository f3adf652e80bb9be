import { randomUUID } from 'node:crypto';
import { startMailSystem, type MailSystem } from './harness/mail-system';
import { Helpdesk } from './support/helpdesk';
import { eventually, makeMessage } from './support/messages';
import { scrape, valueOf, type Sample } from './support/metrics-scrape';
import { notifications, NOTIFY_ENV, openNotifyingDesk } from './support/notification-desk';
import { MAILBOX_PASSWORD, openSupportDesk, type SupportDesk } from './support/support-desk';
import { startTestApp, type TestApp } from './support/test-app';
import { createTenant } from './support/tenants';

const TOKEN = 'metrics-token-for-the-tests';
const ENV = { ...NOTIFY_ENV, METRICS_TOKEN: TOKEN };

/** The families this application defines (the Node process metrics, also prefixed, are left out). */
const DOMAIN_FAMILY = /^helpdesk_(sync_|messages_|mail_to_ticket|mailboxes|outbox_|deliveries_|http_request_duration)/;

/**
 * What Prometheus sees after the things an operator cares about happen: a sync moves the run and
 * message counters and both histograms by exactly what it did, a failing mailbox shows its error class
 * and state, HTTP requests are timed by route template, and 200 organizations add no series.
 */
describe('metrics: what a scrape shows after syncs, failures, requests and deliveries', () => {
  let mail: MailSystem;
  let testApp: TestApp;

  beforeAll(async () => {
    [mail, testApp] = await Promise.all([startMailSystem(), startTestApp(ENV)]);
  });
  afterAll(async () => {
    await testApp?.close();
    await mail?.close();
  });

  const metrics = () => scrape(testApp, TOKEN);
  const delta = (before: Sample[], after: Sample[], name: string, labels: Record<string, string> = {}) =>
    valueOf(after, name, labels) - valueOf(before, name, labels);

  /** Points the desk's incoming settings at its own mailbox with a wrong password. */
  async function breakPassword(support: SupportDesk | { desk: Helpdesk; user: string }): Promise<void> {
    await testApp
      .http()
      .put('/api/v1/settings/email/incoming')
      .set('Authorization', `Bearer ${support.desk.tenant.admin.token}`)
      .send({
        host: mail.dovecot.host,
        port: mail.dovecot.imapPort,
        security: 'none',
        username: support.user,
        password: `not-${MAILBOX_PASSWORD}`,
        folder: 'INBOX',
        verifyCertificate: false,
      })
      .expect(200);
  }

  it('a sync of N messages moves the ok runs, the ticket count and both histograms by exactly that', async () => {
    const support = await openSupportDesk(testApp, mail.dovecot);
    const before = await metrics();
    const count = 7;
    // Arrived two minutes ago: the mail-to-ticket latency is measured from the server's INTERNALDATE.
    const arrived = new Date(Date.now() - 120_000);
    const messages = Array.from({ length: count }, (_, i) => makeMessage({ to: support.address, subject: `M ${i}` }));
    await mail.dovecot.appendMany(support.user, messages, { date: arrived });
    const run = await support.desk.syncNow();
    expect(run).toMatchObject({ status: 'succeeded', tickets: count });
    const after = await metrics();

    expect(delta(before, after, 'helpdesk_sync_runs_total', { outcome: 'ok' })).toBe(1);
    expect(delta(before, after, 'helpdesk_messages_ingested_total', { result: 'ticket' })).toBe(count);
    for (const result of ['comment', 'ignored', 'failed']) {
      expect({ result, moved: delta(before, after, 'helpdesk_messages_ingested_total', { result }) }).toEqual({
        result,
        moved: 0,
      });
    }
    expect(delta(before, after, 'helpdesk_sync_run_duration_seconds_count')).toBe(1);
    expect(delta(before, after, 'helpdesk_mail_to_ticket_seconds_count')).toBe(count);
    // Each took about two minutes from arrival: none within a minute, all within five.
    expect(delta(before, after, 'helpdesk_mail_to_ticket_seconds_bucket', { le: '60' })).toBe(0);
    expect(delta(before, after, 'helpdesk_mail_to_ticket_seconds_bucket', { le: '300' })).toBe(count);
    const seconds = delta(before, after, 'helpdesk_mail_to_ticket_seconds_sum');
    expect(seconds).toBeGreaterThanOrEqual(count * 119);
    expect(seconds).toBeLessThan(count * 300);
    expect(valueOf(after, 'helpdesk_mailboxes', { state: 'running' })).toBeGreaterThanOrEqual(1);
  });

  it('a mailbox with a wrong password moves the auth outcome and shows as failing', async () => {
    const support = await openSupportDesk(testApp, mail.dovecot);
    const before = await metrics();
    await breakPassword(support);
    const run = await support.desk.syncNow();
    expect(run.error?.class).toBe('auth');
    const after = await metrics();
    expect(delta(before, after, 'helpdesk_sync_runs_total', { outcome: 'auth' })).toBe(1);
    expect(delta(before, after, 'helpdesk_sync_runs_total', { outcome: 'ok' })).toBe(0);
    expect(delta(before, after, 'helpdesk_mailboxes', { state: 'failing' })).toBe(1);
    expect(delta(before, after, 'helpdesk_mailboxes', { state: 'running' })).toBe(-1);
    await support.desk.stop();
    const stopped = await metrics();
    expect(delta(after, stopped, 'helpdesk_mailboxes', { state: 'failing' })).toBe(-1);
    expect(delta(after, stopped, 'helpdesk_mailboxes', { state: 'stopped' })).toBe(1);
  });

  it('times HTTP requests by route template, never by the URL', async () => {
    const tenant = await createTenant(testApp);
    const id = randomUUID();
    const before = await metrics();
    await testApp.http().get(`/api/v1/tickets/${id}`).auth(tenant.admin.token, { type: 'bearer' }).expect(404);
    await testApp.http().get(`/no-such-page/${id}`).expect(404);
    const after = await metrics();
    const name = 'helpdesk_http_request_duration_seconds_count';
    expect(delta(before, after, name, { method: 'GET', route: '/api/v1/tickets/:id', status: '404' })).toBe(1);
    expect(delta(before, after, name, { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    const withId = after.filter((sample) => Object.values(sample.labels).some((value) => value.includes(id)));
    expect(withId).toEqual([]);
  });

  it('counts notification mail that was sent, and mail held back from a no-reply address', async () => {
    const desk = await openNotifyingDesk(testApp, mail, { start: false });
    const before = await metrics();
    const ticketIds: string[] = [];
    for (const requesterEmail of ['cust@customer.test', 'noreply@customer.test']) {
      const created = await testApp
        .http()
        .post('/api/v1/tickets')
        .auth(desk.agent.token, { type: 'bearer' })
        .send({ subject: 'Printer on fire', body: 'We opened this for you.', requesterEmail })
        .expect(201);
      ticketIds.push(created.body.id as string);
    }
    const settled = async (ticketId: string) => {
      const found = await notifications(testApp, desk, `?ticketId=${ticketId}`);
      return found.length > 0 && found.every((row) => row.status !== 'queued') ? found : null;
    };
    const rows = [
      ...(await eventually(() => settled(ticketIds[0]))),
      ...(await eventually(() => settled(ticketIds[1]))),
    ];
    const sent = rows.filter((row) => row.status === 'sent').length;
    const suppressed = rows.filter((row) => row.status === 'suppressed').length;
    expect({ sent: sent > 0, suppressed: suppressed > 0 }).toEqual({ sent: true, suppressed: true });
    // Recorded, then announced: the counter follows the commit of the outcomes.
    const after = await eventually(async () => {
      const scraped = await metrics();
      return delta(before, scraped, 'helpdesk_deliveries_total', { outcome: 'sent' }) >= sent ? scraped : null;
    });
    expect(delta(before, after, 'helpdesk_deliveries_total', { outcome: 'sent' })).toBe(sent);
    expect(delta(before, after, 'helpdesk_deliveries_total', { outcome: 'suppressed' })).toBe(suppressed);
    expect(delta(before, after, 'helpdesk_deliveries_total', { outcome: 'failed' })).toBe(0);
  });

  it('keeps the number of series bounded with 200 organizations (no organization label by default)', async () => {
    /** A new organization whose mailbox refuses the password, synced once. */
    async function failingOrganization(): Promise<void> {
      const desk = new Helpdesk(testApp, await createTenant(testApp));
      await breakPassword({ desk, user: `nobody-${randomUUID().slice(0, 8)}` });
      expect((await desk.syncNow()).error?.class).toBe('auth');
    }
    const series = (samples: Sample[]) => samples.filter((sample) => DOMAIN_FAMILY.test(sample.name)).length;

    await failingOrganization();
    const before = await metrics();
    for (let created = 1; created < 200; created += 10) {
      await Promise.all(Array.from({ length: Math.min(10, 200 - created) }, failingOrganization));
    }
    const after = await metrics();
    expect(delta(before, after, 'helpdesk_sync_runs_total', { outcome: 'auth' })).toBe(199);
    expect(series(after)).toBe(series(before));
    expect(after.filter((sample) => 'organization' in sample.labels)).toEqual([]);
  });
});
