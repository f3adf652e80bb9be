import { startDovecot, type DovecotServer } from './harness/dovecot';
import { Helpdesk } from './support/helpdesk';
import { eventually } from './support/messages';
import { startTestApp, type TestApp } from './support/test-app';
import { createTenant } from './support/tenants';

const SYNC_ENV = { MAIL_ALLOW_PRIVATE_HOSTS: 'true', SYNC_MIN_INTERVAL_SECONDS: '1' };
/** How far a run may start after the time the status announced (the turn, the lease, the run row). */
const START_SLACK_MS = 1000;

interface RunRow {
  id: string;
  trigger: string;
  status: string;
  startedAt: string;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the sync status tells the truth: when the next run starts, and what is wrong now', () => {
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

  async function helpdesk(): Promise<Helpdesk> {
    mailboxes += 1;
    const user = `honest${mailboxes}`;
    await dovecot.addUser(user, 'mailbox-secret');
    const desk = new Helpdesk(testApp, await createTenant(testApp));
    await desk.connectIncoming(dovecot, user, 'mailbox-secret');
    return desk;
  }

  async function setInterval(desk: Helpdesk, seconds: number): Promise<void> {
    await testApp
      .http()
      .put('/api/v1/sync/interval')
      .set('Authorization', `Bearer ${desk.tenant.admin.token}`)
      .send({ seconds })
      .expect(200);
  }

  /** The first scheduled run that started after `after` (epoch ms), once it has ended. */
  async function scheduledRunAfter(desk: Helpdesk, after: number): Promise<RunRow> {
    return eventually(
      async () => {
        const runs: RunRow[] = await desk.runs();
        const run = runs
          .filter((r) => r.trigger === 'schedule' && Date.parse(r.startedAt) > after)
          .sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt))[0];
        return run && run.status !== 'running' ? run : null;
      },
      20_000,
      50,
    );
  }

  /**
   * nextRunAt once `run` is recorded and no run is under way (while one is, it is null: the next is due
   * one interval after it ends).
   */
  async function announced(
    desk: Helpdesk,
    run: { startedAt: string },
  ): Promise<{ nextRunAt: number; lastRunAt: number }> {
    const status = await eventually(async () => {
      const current = await desk.status();
      return current.nextRunAt && Date.parse(current.lastRunAt) >= Date.parse(run.startedAt) ? current : null;
    });
    return { nextRunAt: Date.parse(status.nextRunAt), lastRunAt: Date.parse(status.lastRunAt) };
  }

  function expectStartedAt(run: RunRow, announcedAt: number): void {
    const late = Date.parse(run.startedAt) - announcedAt;
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(START_SLACK_MS);
  }

  it('nextRunAt is when the scheduled run starts: after an interval change, after a run, after a back-off', async () => {
    const desk = await helpdesk();
    await desk.start({ from: 'current-date' });
    const manual = (await desk.syncNow()) as unknown as RunRow;
    // The interval changes a while after the last run: the next run is one interval after that run.
    await pause(1500);
    await setInterval(desk, 3);
    const afterChange = await announced(desk, manual);
    expect(afterChange.nextRunAt - afterChange.lastRunAt).toBe(3000);
    const first = await scheduledRunAfter(desk, Date.parse(manual.startedAt));
    expectStartedAt(first, afterChange.nextRunAt);

    const afterRun = await announced(desk, first);
    expect(afterRun.nextRunAt - afterRun.lastRunAt).toBe(3000);
    const second = await scheduledRunAfter(desk, Date.parse(first.startedAt));
    expectStartedAt(second, afterRun.nextRunAt);

    await dovecot.stop();
    try {
      // Two failures in a row: the second backs off for two intervals.
      const failedOnce = await scheduledRunAfter(desk, Date.parse(second.startedAt));
      expect(failedOnce.status).toBe('failed');
      const failedTwice = await scheduledRunAfter(desk, Date.parse(failedOnce.startedAt));
      expect(failedTwice.status).toBe('failed');
      const backedOff = await announced(desk, failedTwice);
      expect(backedOff.nextRunAt - backedOff.lastRunAt).toBe(6000);
      const retried = await scheduledRunAfter(desk, Date.parse(failedTwice.startedAt));
      expectStartedAt(retried, backedOff.nextRunAt);
    } finally {
      await dovecot.start();
    }
    await desk.stop();
    expect((await desk.status()).nextRunAt).toBeNull();
  });

  it('a run that succeeds after a failed one clears lastError', async () => {
    const desk = await helpdesk();
    await desk.start({ from: 'current-date' });
    await desk.syncNow();
    await dovecot.stop();
    try {
      expect(await desk.syncNow()).toMatchObject({ status: 'failed', error: { class: 'network' } });
      expect(await desk.status()).toMatchObject({ consecutiveFailures: 1, lastError: { class: 'network' } });
    } finally {
      await dovecot.start();
    }
    expect(await desk.syncNow()).toMatchObject({ status: 'succeeded' });
    expect(await desk.status()).toMatchObject({ consecutiveFailures: 0, lastError: null });
    await desk.stop();
  });
});
