import { startMailSystem, type MailSystem } from './harness/mail-system';
import { startSmtpServer, type TestSmtpServer } from './harness/smtp-server';
import { freePort } from './harness/free-port';
import {
  ageNotices,
  alertMail,
  alerts,
  ALERT_ENV,
  bearer,
  breakMailbox,
  failRuns,
  repairMailbox,
  setOutgoing,
  settleChecks,
} from './support/alert-desk';
import { eventually } from './support/messages';
import { openNotifyingDesk, type NotifyingDesk } from './support/notification-desk';
import { manyParts } from './support/poison-mail';
import { startTestApp, type TestApp } from './support/test-app';
import { createTenant, type TestUser } from './support/tenants';

/**
 * Alerts to admins: an organization whose sync keeps failing gets one alert mail per admin (not one per
 * failed run), a reminder a day at most, one "recovered" mail when it works again; the mail arrives
 * through the platform's own SMTP server when the organization's is down; opted-out admins get none.
 */
describe('alerts: incidents and alert mail to admins', () => {
  let mail: MailSystem;

  beforeAll(async () => {
    mail = await startMailSystem();
  });
  afterAll(() => mail?.close());

  describe("through the organization's outgoing settings", () => {
    let testApp: TestApp;
    let support: NotifyingDesk;
    let admin: TestUser;
    let secondAdmin: TestUser;
    let optedOut: TestUser;

    beforeAll(async () => {
      testApp = await startTestApp({ ...ALERT_ENV, SYNC_MAX_MIME_PARTS: '5' });
      support = await openNotifyingDesk(testApp, mail);
      admin = support.desk.tenant.admin;
      secondAdmin = await support.desk.tenant.addUser('admin');
      optedOut = await support.desk.tenant.addUser('admin');
      const me = await testApp
        .http()
        .patch('/api/v1/me')
        .set(bearer(optedOut))
        .send({ alertEmails: false })
        .expect(200);
      expect(me.body.alertEmails).toBe(false);
    });
    afterAll(() => testApp?.close());

    it('refuses an opt-out that is not a boolean, and shows the preference on GET /me', async () => {
      await testApp.http().patch('/api/v1/me').set(bearer(admin)).send({ alertEmails: 'no' }).expect(400);
      const me = await testApp.http().get('/api/v1/me').set(bearer(admin)).expect(200);
      expect(me.body.alertEmails).toBe(true);
    });

    it('mails each admin once when sync fails 3 runs in a row, and never again while it keeps failing', async () => {
      await breakMailbox(mail.dovecot, support);
      await failRuns(support, 2);
      await settleChecks();
      expect(await alertMail(mail.dovecot, admin)).toHaveLength(0);
      expect((await support.desk.status()).alert).toBeNull();

      await failRuns(support, 1);
      for (const user of [admin, secondAdmin]) {
        await eventually(async () => (await alertMail(mail.dovecot, user, 'opened')).length === 1);
      }
      const [opened] = await alertMail(mail.dovecot, admin, 'opened');
      expect(opened.subject).toContain('the mailbox sync keeps failing');
      expect(opened.text).toContain('auth');
      expect(opened.from?.address).toBe(support.address);

      const status = await support.desk.status();
      expect(status.alert).toMatchObject({ kind: 'sync-failing', lastError: expect.stringContaining('auth') });
      const [incident] = await alerts(testApp, admin);
      expect(incident).toMatchObject({ id: status.alert.id, kind: 'sync-failing', status: 'open' });
      expect(incident.hint).toContain('incoming email settings');

      await failRuns(support, 10);
      await settleChecks();
      for (const user of [admin, secondAdmin]) expect(await alertMail(mail.dovecot, user)).toHaveLength(1);
      expect(await alertMail(mail.dovecot, optedOut)).toHaveLength(0);
    });

    it('sends one reminder a day while the incident stays open, and none once acknowledged', async () => {
      const [incident] = await alerts(testApp, admin);
      await ageNotices(testApp, incident.id);
      await eventually(async () => (await alertMail(mail.dovecot, admin, 'reminder')).length === 1);
      await settleChecks();
      expect(await alertMail(mail.dovecot, admin, 'reminder')).toHaveLength(1);
      expect(await alertMail(mail.dovecot, secondAdmin, 'reminder')).toHaveLength(1);

      const acked = await testApp.http().post(`/api/v1/alerts/${incident.id}/ack`).set(bearer(admin)).expect(200);
      expect(acked.body.acknowledgedAt).not.toBeNull();
      await ageNotices(testApp, incident.id);
      await settleChecks();
      expect(await alertMail(mail.dovecot, admin, 'reminder')).toHaveLength(1);
    });

    it('mails each admin once when sync works again, and GET /sync drops the alert', async () => {
      await repairMailbox(mail.dovecot, support);
      expect((await support.desk.syncNow()).status).toBe('succeeded');
      for (const user of [admin, secondAdmin]) {
        await eventually(async () => (await alertMail(mail.dovecot, user, 'recovered')).length === 1);
      }
      await support.desk.syncNow();
      await settleChecks();
      for (const user of [admin, secondAdmin]) expect(await alertMail(mail.dovecot, user)).toHaveLength(3);
      expect(await alertMail(mail.dovecot, optedOut)).toHaveLength(0);
      expect((await support.desk.status()).alert).toBeNull();
      const [incident] = await alerts(testApp, admin);
      expect(incident).toMatchObject({ kind: 'sync-failing', status: 'resolved' });
    });

    it('opens an incident when a message lands in the failures list, and clears it when the list is empty', async () => {
      await support.deliver(manyParts(support.address, 10, 'Part bomb'));
      await support.desk.syncNow();
      await eventually(async () => (await alertMail(mail.dovecot, admin, 'opened')).length === 2);
      const alert = (await support.desk.status()).alert;
      expect(alert).toMatchObject({ kind: 'failed-messages', lastError: expect.stringContaining('over-limit') });

      const [failure] = await support.desk.failures();
      await testApp.http().delete(`/api/v1/sync/failures/${failure.id}`).set(bearer(admin)).expect(204);
      await eventually(async () => (await alertMail(mail.dovecot, admin, 'recovered')).length === 2);
      expect((await support.desk.status()).alert).toBeNull();
    });

    it("keeps each organization's alerts to itself", async () => {
      const other = await createTenant(testApp);
      const [mine] = await alerts(testApp, admin);
      expect(await alerts(testApp, other.admin)).toEqual([]);
      const ack = (id: string, user: TestUser) => testApp.http().post(`/api/v1/alerts/${id}/ack`).set(bearer(user));
      const foreign = await ack(mine.id, other.admin).expect(404);
      const missing = await ack('00000000-0000-4000-8000-000000000000', other.admin).expect(404);
      expect(foreign.body.message).toBe(missing.body.message);
      await ack('not-a-uuid', admin).expect(400);
      const agent = await support.desk.tenant.addUser('agent');
      await testApp.http().get('/api/v1/alerts').set(bearer(agent)).expect(403);
    });
  });

  describe("through SYSTEM_SMTP_URL when the organization's server is down", () => {
    let platform: TestSmtpServer;
    let testApp: TestApp;

    beforeAll(async () => {
      const login = { user: 'platform', password: 'platform-secret' };
      platform = await startSmtpServer({ auth: 'required', users: [login], tls: 'starttls', deliverTo: mail.dovecot });
      testApp = await startTestApp({
        ...ALERT_ENV,
        SYSTEM_SMTP_URL: `smtp://${login.user}:${login.password}@${platform.host}:${platform.port}?verify=false&from=alerts@platform.test`,
        ALERT_OUTBOX_MAX_AGE_SECONDS: '2',
        NOTIFY_POLL_INTERVAL_MS: '100',
        NOTIFY_RETRY_BASE_MS: '200',
        NOTIFY_RETRY_MAX_MS: '1000',
      });
    });
    afterAll(async () => {
      await testApp?.close();
      await platform?.close();
    });

    it('delivers the alert through the platform server, not the dead one', async () => {
      const support = await openNotifyingDesk(testApp, mail);
      await setOutgoing(testApp, support, { host: '127.0.0.1', port: await freePort(), security: 'none' });
      const admin = support.desk.tenant.admin;
      await breakMailbox(mail.dovecot, support);
      await failRuns(support, 3);
      const [received] = await eventually(async () => {
        const found = await alertMail(mail.dovecot, admin, 'opened');
        return found.length > 0 && found;
      });
      expect(received.from?.address).toBe('alerts@platform.test');
      expect(platform.messages.filter((message) => message.envelope.to.includes(admin.email))).toHaveLength(1);
      expect(platform.messages.every((message) => message.authUser === 'platform')).toBe(true);
    });

    it('opens a notifications-failing incident while mail waits too long, and clears it once it goes out', async () => {
      const support = await openNotifyingDesk(testApp, mail, { start: false });
      const admin = support.desk.tenant.admin;
      await setOutgoing(testApp, support, { host: '127.0.0.1', port: await freePort(), security: 'none' });
      await testApp
        .http()
        .post('/api/v1/tickets')
        .set(bearer(support.agent))
        .send({ subject: 'Printer on fire', body: 'We opened this for you.', requesterEmail: 'cust@customer.test' })
        .expect(201);
      const [opened] = await eventually(async () => {
        const found = await alertMail(mail.dovecot, admin, 'opened', 'notifications-failing');
        return found.length > 0 && found;
      });
      expect(opened.text).toMatch(/\d+ notification\(s\) waiting; the oldest has waited \d+ seconds/);
      const [incident] = await alerts(testApp, admin);
      expect(incident).toMatchObject({ kind: 'notifications-failing', status: 'open' });

      await setOutgoing(testApp, support, { host: mail.smtp.host, port: mail.smtp.port, security: 'starttls' });
      await eventually(
        async () => (await alertMail(mail.dovecot, admin, 'recovered', 'notifications-failing')).length === 1,
      );
      expect(await alertMail(mail.dovecot, admin, 'opened', 'notifications-failing')).toHaveLength(1);
      expect((await alerts(testApp, admin))[0]).toMatchObject({ id: incident.id, status: 'resolved' });
    });
  });
});
