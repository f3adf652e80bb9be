import { startDovecot, type DovecotServer } from './harness/dovecot';
import { Helpdesk } from './support/helpdesk';
import { eventually, makeMessage } from './support/messages';
import { startTestApp, type TestApp } from './support/test-app';
import { createTenant } from './support/tenants';

const SYNC_ENV = { MAIL_ALLOW_PRIVATE_HOSTS: 'true', SYNC_MIN_INTERVAL_SECONDS: '1' };

describe('sync control: start from, stop, sync now, interval, restart', () => {
  let dovecot: DovecotServer;
  let testApp: TestApp;
  let mailboxes = 0;

  beforeAll(async () => {
    dovecot = await startDovecot();
    testApp = await startTestApp(SYNC_ENV);
  });
  afterAll(async () => {
    await testApp.close();
    await dovecot.close();
  });

  /** A new organization with its own support mailbox. */
  async function helpdesk(): Promise<{ desk: Helpdesk; user: string }> {
    mailboxes += 1;
    const user = `support${mailboxes}`;
    await dovecot.addUser(user, 'mailbox-secret');
    const desk = new Helpdesk(testApp, await createTenant(testApp));
    await desk.connectIncoming(dovecot, user, 'mailbox-secret');
    return { desk, user };
  }

  const subjects = async (desk: Helpdesk) => (await desk.tickets()).map((ticket) => ticket.subject).sort();

  it('says it was never started, and refuses to start without settings or a previous sync', async () => {
    const bare = new Helpdesk(testApp, await createTenant(testApp));
    expect(await bare.status()).toMatchObject({
      state: 'stopped',
      neverStarted: true,
      syncing: false,
      intervalSeconds: 300,
    });
    const refused = await bare.start({ from: 'current-date' }, 409);
    expect(refused.code).toBe('SYNC_NOT_CONFIGURED');
    const { desk } = await helpdesk();
    expect((await desk.start({ from: 'last-sync' }, 409)).code).toBe('NO_PREVIOUS_SYNC');
    expect((await desk.start({ from: 'specific-date' }, 400)).details[0].field).toBe('date');
  });

  it('current-date: mail already in the mailbox stays out; mail that arrives afterwards becomes tickets', async () => {
    const { desk, user } = await helpdesk();
    await dovecot.append(user, makeMessage({ subject: 'Old one' }));
    await dovecot.append(user, makeMessage({ subject: 'Old two' }));
    const started = await desk.start({ from: 'current-date' });
    expect(started).toMatchObject({ state: 'running', neverStarted: false, from: 'current-date' });
    await dovecot.append(user, makeMessage({ subject: 'New after start' }));
    const run = await desk.syncNow();
    expect(run.status).toBe('succeeded');
    expect(await subjects(desk)).toEqual(['New after start']);
    await desk.stop();
  });

  it('specific-date: every message on or after the day, then everything new', async () => {
    const { desk, user } = await helpdesk();
    await dovecot.append(user, makeMessage({ subject: 'Before the day' }), { date: new Date('2025-12-30T10:00:00Z') });
    await dovecot.append(user, makeMessage({ subject: 'On the day' }), { date: new Date('2026-01-02T08:00:00Z') });
    await dovecot.append(user, makeMessage({ subject: 'After the day' }), { date: new Date('2026-03-01T08:00:00Z') });
    await desk.start({ from: 'specific-date', date: '2026-01-02' });
    await desk.syncNow();
    await dovecot.append(user, makeMessage({ subject: 'Brand new' }));
    await desk.syncNow();
    expect(await subjects(desk)).toEqual(['After the day', 'Brand new', 'On the day']);
    await desk.stop();
  });

  it('last-sync: mail that arrived while stopped is not lost; current-date after a stop skips it', async () => {
    const { desk, user } = await helpdesk();
    await desk.start({ from: 'current-date' });
    await dovecot.append(user, makeMessage({ subject: 'While running' }));
    await desk.syncNow();
    const stopped = await desk.stop();
    expect(stopped.state).toBe('stopped');
    await dovecot.append(user, makeMessage({ subject: 'While stopped' }));
    await desk.start({ from: 'last-sync' });
    await desk.syncNow();
    expect(await subjects(desk)).toEqual(['While running', 'While stopped']);
    const status = await desk.status();
    expect(status).toMatchObject({ state: 'running', from: 'last-sync', consecutiveFailures: 0, lastError: null });
    expect(status.totals.tickets).toBe(2);
    expect(status.lastSuccessAt).not.toBeNull();
    await desk.stop();
  });

  it('changes nothing in the mailbox by default; with markSeen, flags \\Seen only what it ingested', async () => {
    const quiet = await helpdesk();
    await quiet.desk.start({ from: 'current-date' });
    await dovecot.append(quiet.user, makeMessage({ subject: 'Leave me unread' }));
    await quiet.desk.syncNow();
    expect((await dovecot.list(quiet.user)).map((m) => m.flags)).toEqual([[]]);
    await quiet.desk.stop();

    const marking = await helpdesk();
    await dovecot.append(marking.user, makeMessage({ subject: 'Before start' }));
    expect((await marking.desk.start({ from: 'current-date', markSeen: true })).markSeen).toBe(true);
    await dovecot.append(marking.user, makeMessage({ subject: 'Mark me read' }));
    await marking.desk.syncNow();
    const flags = (await dovecot.list(marking.user)).map((m) => m.flags.includes('\\Seen'));
    expect(flags).toEqual([false, true]);
    await marking.desk.stop();
  });

  it('sync now during a run joins it instead of starting a parallel one', async () => {
    const { desk, user } = await helpdesk();
    await desk.start({ from: 'current-date' });
    await desk.syncNow();
    await dovecot.appendMany(
      user,
      Array.from({ length: 60 }, (_, i) => makeMessage({ subject: `Burst ${i}` })),
    );
    const [a, b, c] = await Promise.all([desk.syncNow(), desk.syncNow(), desk.syncNow()]);
    expect(new Set([a.id, b.id, c.id]).size).toBe(1);
    expect(await desk.ticketCount()).toBe(60);
    await desk.stop();
  });

  it('an interval change takes effect at once, without a restart', async () => {
    const { desk, user } = await helpdesk();
    await desk.start({ from: 'current-date' });
    await desk.syncNow();
    const changed = (
      await testApp
        .http()
        .put('/api/v1/sync/interval')
        .set('Authorization', `Bearer ${desk.tenant.admin.token}`)
        .send({ seconds: 1 })
        .expect(200)
    ).body;
    expect(changed.intervalSeconds).toBe(1);
    await dovecot.append(user, makeMessage({ subject: 'Picked up by the schedule' }));
    await eventually(async () => (await subjects(desk)).includes('Picked up by the schedule'), 10_000);
    await desk.stop();
    await dovecot.append(user, makeMessage({ subject: 'Not after stop' }));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(await subjects(desk)).toEqual(['Picked up by the schedule']);
  });

  it('rejects an interval outside 1..86400 with 400', async () => {
    const { desk } = await helpdesk();
    const auth = { Authorization: `Bearer ${desk.tenant.admin.token}` };
    await testApp.http().put('/api/v1/sync/interval').set(auth).send({ seconds: 0 }).expect(400);
    await testApp.http().put('/api/v1/sync/interval').set(auth).send({ seconds: 86401 }).expect(400);
    await testApp.http().put('/api/v1/sync/interval').set(auth).send({ seconds: 'often' }).expect(400);
  });

  it('stop in the middle of a run ends it cleanly after the current message; last-sync finishes the rest once', async () => {
    const { desk, user } = await helpdesk();
    await desk.start({ from: 'current-date' });
    await desk.syncNow();
    await desk.stop();
    await dovecot.appendMany(
      user,
      Array.from({ length: 400 }, (_, i) => makeMessage({ subject: `Bulk ${i}` })),
    );
    const running = await desk.syncNowUnderway();
    await desk.stop();
    const run = (await running.finished).body.run;
    expect(run.status).toBe('stopped');
    expect(run.fetched).toBeLessThan(400);
    await desk.start({ from: 'last-sync' });
    await desk.syncNow();
    expect(await desk.ticketCount()).toBe(400);
    const numbers = (await desk.tickets('pageSize=100&page=1')).map((t) => t.number);
    expect(new Set(numbers).size).toBe(numbers.length);
    await desk.stop();
  });

  it('a running organization resumes its schedule after a restart; a stopped one stays stopped', async () => {
    const running = await helpdesk();
    const stopped = await helpdesk();
    await running.desk.start({ from: 'current-date' });
    await running.desk.syncNow();
    await testApp
      .http()
      .put('/api/v1/sync/interval')
      .set('Authorization', `Bearer ${running.desk.tenant.admin.token}`)
      .send({ seconds: 1 })
      .expect(200);
    await stopped.desk.start({ from: 'current-date' });
    await stopped.desk.stop();
    testApp = await testApp.restart();
    const resumed = new Helpdesk(testApp, running.desk.tenant);
    const idle = new Helpdesk(testApp, stopped.desk.tenant);
    await dovecot.append(running.user, makeMessage({ subject: 'After restart' }));
    await dovecot.append(stopped.user, makeMessage({ subject: 'Should wait' }));
    await eventually(async () => (await subjects(resumed)).includes('After restart'), 10_000);
    expect(await idle.status()).toMatchObject({ state: 'stopped' });
    expect(await subjects(idle)).toEqual([]);
    await resumed.stop();
  });
});
