import { LeaseService, type HeldLease } from '../src/leases/lease.service';
import { startDovecot, type DovecotServer } from './harness/dovecot';
import { Helpdesk } from './support/helpdesk';
import { eventually, makeMessage } from './support/messages';
import { startTestApp, type TestApp } from './support/test-app';
import { createTenant } from './support/tenants';

const SYNC_ENV = { MAIL_ALLOW_PRIVATE_HOSTS: 'true', SYNC_NOW_WAIT_SECONDS: '0' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const today = () => new Date().toISOString().slice(0, 10);

/**
 * A request (Start, Sync now) while another instance syncs the mailbox is not dropped: that run may
 * have begun before the request, so the requested one runs after it. The other instance is played by
 * holding the organization's sync lease, as it would while its run lasts.
 */
describe('sync turns: a request while another instance syncs the mailbox runs after it', () => {
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

  /** An organization whose support mailbox holds `subjects`. */
  async function helpdesk(subjects: string[]): Promise<{ desk: Helpdesk; user: string }> {
    mailboxes += 1;
    const user = `turns${mailboxes}`;
    await dovecot.addUser(user, 'mailbox-secret');
    await dovecot.appendMany(
      user,
      subjects.map((subject) => makeMessage({ subject })),
    );
    const desk = new Helpdesk(testApp, await createTenant(testApp));
    await desk.connectIncoming(dovecot, user, 'mailbox-secret');
    return { desk, user };
  }

  /**
   * The organization's sync lease, taken as another instance's run would hold it: once this instance's
   * own run has given it back (its tickets can be visible a moment before the run ends).
   */
  function otherInstanceSyncing(desk: Helpdesk): Promise<HeldLease> {
    const leases = testApp.app.get(LeaseService);
    return eventually(() => leases.tryAcquire(desk.tenant.organizationId, 'sync', { ttlMs: 60_000 }), 10_000, 50);
  }

  async function busyElsewhere(subjects: string[]): Promise<{ desk: Helpdesk; otherRun: HeldLease }> {
    const { desk } = await helpdesk(subjects);
    return { desk, otherRun: await otherInstanceSyncing(desk) };
  }

  it('Start: the first run waits, shown as queued, and ingests from the chosen date once the other run ends', async () => {
    const subjects = ['Turn one', 'Turn two', 'Turn three'];
    const { desk, otherRun } = await busyElsewhere(subjects);
    expect(await desk.start({ from: 'specific-date', date: today() })).toMatchObject({ state: 'running' });
    await sleep(1_500);
    expect(await desk.ticketCount()).toBe(0);
    expect(await desk.status()).toMatchObject({ queued: true, syncing: false });
    await otherRun.release();
    // Well before the next period (300 s): the requested run follows the other one.
    await eventually(async () => (await desk.ticketCount()) === subjects.length || null, 15_000, 100);
    expect((await desk.allSubjects()).sort()).toEqual([...subjects].sort());
  });

  it('Sync now: answered as queued at once, then runs after the other run', async () => {
    const { desk, user } = await helpdesk(['Before the other run']);
    await desk.start({ from: 'specific-date', date: today() });
    await eventually(async () => (await desk.ticketCount()) === 1 || null, 15_000, 100);
    const otherRun = await otherInstanceSyncing(desk);
    await dovecot.append(user, makeMessage({ subject: 'During the other run' }));
    const response = await testApp
      .http()
      .post('/api/v1/sync/now')
      .set('Authorization', `Bearer ${desk.tenant.admin.token}`)
      .send({})
      .expect(202);
    expect(response.body).toMatchObject({ finished: false, queued: true, runId: null });
    await sleep(1_000);
    expect(await desk.ticketCount()).toBe(1);
    await otherRun.release();
    await eventually(async () => (await desk.ticketCount()) === 2 || null, 15_000, 100);
    expect((await desk.allSubjects()).sort()).toEqual(['Before the other run', 'During the other run']);
  });

  it('Stop while queued behind the other run: the request is dropped and nothing is ingested', async () => {
    const { desk, otherRun } = await busyElsewhere(['Never wanted']);
    await desk.start({ from: 'specific-date', date: today() });
    await eventually(async () => (await desk.status()).queued || null, 5_000, 50);
    await desk.stop();
    await eventually(async () => !(await desk.status()).queued || null, 5_000, 50);
    await otherRun.release();
    await sleep(1_500);
    expect(await desk.ticketCount()).toBe(0);
    expect(await desk.runs()).toEqual([]);
  });
});
