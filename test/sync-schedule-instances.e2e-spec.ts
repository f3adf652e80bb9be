import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDovecot, type DovecotServer } from './harness/dovecot';
import { Helpdesk } from './support/helpdesk';
import { eventually, makeMessage } from './support/messages';
import { serviceEnv, startService, type SpawnedApp } from './support/spawn-app';
import { SPIN_HEADER } from './support/spin-hook';
import { createTestDatabase, usingPostgres, type TestDatabase } from './support/test-database';
import { createTenant, type ApiClient } from './support/tenants';

const ORGANIZATIONS = 10;
/** The interval of the many-organizations test: short, so several periods pass. */
const PERIOD_SECONDS = 2;
/** How long a service may take to boot on a busy machine. */
const BOOT_MS = 90_000;

interface RunRow {
  id: string;
  trigger: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
}

type Instance = { service: SpawnedApp; api: ApiClient };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The same organization, seen through another instance. */
const through = (instance: Instance, desk: Helpdesk) => new Helpdesk(instance.api, desk.tenant);

async function setInterval(desk: Helpdesk, seconds: number): Promise<void> {
  await desk.testApp
    .http()
    .put('/api/v1/sync/interval')
    .set('Authorization', `Bearer ${desk.tenant.admin.token}`)
    .send({ seconds })
    .expect(200);
}

const finishedRuns = async (desk: Helpdesk, trigger?: string): Promise<RunRow[]> =>
  ((await desk.runs()) as RunRow[])
    .filter((run) => run.status !== 'running' && (!trigger || run.trigger === trigger))
    .sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));

// One process owns an SQLite file; several instances are a PostgreSQL deployment.
(usingPostgres() ? describe : describe.skip)('one sync schedule shared by two instances', () => {
  let dovecot: DovecotServer;
  let dataDir: string;
  let database: TestDatabase;
  let env: Record<string, string | undefined>;
  const instances: Instance[] = [];
  let mailboxes = 0;

  beforeAll(async () => {
    dovecot = await startDovecot();
    dataDir = mkdtempSync(join(tmpdir(), 'hd-schedule-'));
    database = await createTestDatabase();
    env = serviceEnv(dataDir, database.url, {
      NODE_ENV: 'test',
      MAIL_ALLOW_PRIVATE_HOSTS: 'true',
      SYNC_MIN_INTERVAL_SECONDS: '1',
      // A killed instance's leases and claims end after 5 s.
      SYNC_LEASE_SECONDS: '5',
      SYNC_NOW_WAIT_SECONDS: '0',
      // Only the schedule runs syncs here: no IDLE connection starts one.
      PUSH_ENABLED: 'false',
      // A message with the spin header keeps its run busy until its deadline (see spin-hook).
      SYNC_TEST_WORKER_HOOK: join(__dirname, 'support', 'spin-hook.js'),
      SYNC_MESSAGE_DEADLINE_MS: '15000',
      JWT_SECRET: randomBytes(32).toString('hex'),
      MESSAGE_ID_SECRET: randomBytes(32).toString('hex'),
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
  });
  beforeAll(async () => {
    // Two instances for the whole file (the last test kills one): each start is a service boot.
    instances.push(await startService(env, BOOT_MS));
    instances.push(await startService(env, BOOT_MS));
  });
  afterAll(async () => {
    for (const { service } of instances) await service.kill();
    await dovecot.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** An organization with its own mailbox, set up through `instance`. */
  async function helpdesk(instance: Instance): Promise<{ desk: Helpdesk; user: string }> {
    mailboxes += 1;
    const user = `shared${mailboxes}-${randomBytes(2).toString('hex')}`;
    await dovecot.addUser(user, 'mailbox-secret');
    const desk = new Helpdesk(instance.api, await createTenant(instance.api));
    await desk.connectIncoming(dovecot, user, 'mailbox-secret');
    return { desk, user };
  }

  it('an interval change made on A acts on B', async () => {
    const [a, b] = instances;
    const { desk } = await helpdesk(b);
    // Started through B with the default interval (300 s): B alone would not run again for minutes.
    await desk.start({ from: 'current-date' });
    await eventually(async () => (await finishedRuns(desk)).length === 1 || null, 15_000);
    await setInterval(through(a, desk), 1);
    // A is frozen: whatever runs now runs on B.
    a.service.child.kill('SIGSTOP');
    try {
      const since = Date.now();
      await eventually(async () => {
        const runs = (await finishedRuns(desk, 'schedule')).filter((run) => Date.parse(run.startedAt) > since);
        return runs.length >= 2 || null;
      }, 30_000);
    } finally {
      a.service.child.kill('SIGCONT');
    }
  });

  it('a Stop made on A stops B’s run in progress, and no run follows', async () => {
    const [a, b] = instances;
    const { desk, user } = await helpdesk(b);
    // Started through B; the next scheduled run is an interval (300 s) away, so the next run is B's.
    await desk.start({ from: 'current-date' });
    await eventually(async () => (await finishedRuns(desk)).length === 1 || null, 15_000);
    const spin = join(dataDir, `spin-${randomBytes(4).toString('hex')}`);
    writeFileSync(spin, '');
    await dovecot.append(user, makeMessage({ subject: 'Keeps the run busy', headers: { [SPIN_HEADER]: spin } }));
    await dovecot.append(user, makeMessage({ subject: 'Behind the busy one' }));
    await desk.testApp
      .http()
      .post('/api/v1/sync/now')
      .set('Authorization', `Bearer ${desk.tenant.admin.token}`)
      .send({})
      .expect(202);
    // B's run is busy with the message once its worker spins.
    await eventually(async () => existsSync(`${spin}.started`) || null, 15_000);
    const inProgress = ((await desk.runs()) as RunRow[]).filter((run) => run.status === 'running');
    expect(inProgress.map((run) => run.trigger)).toEqual(['manual']);
    const runId = inProgress[0].id;
    const onA = through(a, desk);
    // Due every second from now on, on both instances' schedule, until the Stop.
    await setInterval(onA, 1);
    await onA.stop();
    rmSync(spin);
    // The busy message ends at its deadline (quarantined); the run stops after it.
    const run = await eventually(async () => (await finishedRuns(desk)).find((r) => r.id === runId) ?? null, 45_000);
    expect(run.status).toBe('stopped');
    const runsAfterStop = (await desk.runs()).length;
    await dovecot.append(user, makeMessage({ subject: 'After the stop' }));
    // Several intervals pass on both instances without a run.
    await pause(4_000);
    expect(await desk.runs()).toHaveLength(runsAfterStop);
    expect(await onA.runs()).toHaveLength(runsAfterStop);
    expect(await desk.allSubjects()).not.toContain('After the stop');
  });

  it('a Sync now made on A runs once', async () => {
    const [a, b] = instances;
    const { desk, user } = await helpdesk(b);
    // Started through B; the next scheduled run is an interval (300 s) away.
    await desk.start({ from: 'current-date' });
    await eventually(async () => (await finishedRuns(desk)).length === 1 || null, 15_000);
    await dovecot.append(user, makeMessage({ subject: 'Fetched on request' }));
    await a.api
      .http()
      .post('/api/v1/sync/now')
      .set('Authorization', `Bearer ${desk.tenant.admin.token}`)
      .send({})
      .expect(202);
    await eventually(async () => (await desk.allSubjects()).includes('Fetched on request') || null, 30_000);
    // A while later, still the Start's run and the one requested, on either instance's view.
    await pause(2_000);
    expect((await finishedRuns(desk)).map((run) => run.trigger)).toEqual(['schedule', 'manual']);
    expect((await finishedRuns(through(a, desk))).map((run) => run.trigger)).toEqual(['schedule', 'manual']);
  });

  it('many organizations: each runs once per period across the two instances, never twice', async () => {
    const desks: { desk: Helpdesk; user: string }[] = [];
    for (let i = 0; i < ORGANIZATIONS; i += 1) {
      const organization = await helpdesk(instances[i % 2]);
      await organization.desk.start({ from: 'current-date' });
      await setInterval(organization.desk, PERIOD_SECONDS);
      desks.push(organization);
    }
    for (const { user } of desks) await dovecot.append(user, makeMessage({ subject: `For ${user}` }));
    // Every organization has a few scheduled periods behind it.
    for (const { desk } of desks) {
      await eventually(async () => (await finishedRuns(desk, 'schedule')).length >= 3 || null, 60_000);
    }
    for (const { desk, user } of desks) {
      const runs = await finishedRuns(desk);
      // Each run starts only once the one before has ended and a period has passed: no run twice.
      for (let i = 1; i < runs.length; i += 1) {
        const previousEnd = Date.parse(runs[i - 1].finishedAt ?? '');
        expect(Date.parse(runs[i].startedAt) - previousEnd).toBeGreaterThanOrEqual(PERIOD_SECONDS * 1000);
      }
      // The ledger took the one message once.
      expect(await desk.allSubjects()).toEqual([`For ${user}`]);
    }
  });
  it('Start on A, then A killed: B runs the organization’s schedule', async () => {
    const [a, b] = instances;
    const { desk, user } = await helpdesk(a);
    await desk.start({ from: 'current-date' });
    await setInterval(desk, 1);
    expect(await a.service.kill('SIGKILL')).toBeNull();
    await dovecot.append(user, makeMessage({ subject: 'After A died' }));
    const onB = through(b, desk);
    // B was never asked to sync this organization: only the shared schedule brings the mail in.
    await eventually(async () => (await onB.allSubjects()).includes('After A died') || null, 30_000);
    expect((await finishedRuns(onB, 'schedule')).length).toBeGreaterThanOrEqual(2);
  });
});
