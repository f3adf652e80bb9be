import { startDovecot, type DovecotServer } from './harness/dovecot';
import { probeApi, slowest, type ProbeSample } from './support/api-probe';
import { Helpdesk } from './support/helpdesk';
import { eventually, makeMessage } from './support/messages';
import { startTestApp, type TestApp } from './support/test-app';
import { usingPostgres } from './support/test-database';
import { createTenant, type ApiClient } from './support/tenants';

const ORGANIZATIONS = 50;
const MESSAGES = 3;
const SYNC_ENV = { MAIL_ALLOW_PRIVATE_HOSTS: 'true', SYNC_NOW_WAIT_SECONDS: '0' };
const dialect = usingPostgres() ? 'PostgreSQL' : 'SQLite';

interface Organization {
  desk: Helpdesk;
  user: string;
  subjects: string[];
}

interface RunTimes {
  startedAt: string;
  finishedAt: string | null;
  status: string;
}

/** Figures, not assertions: how long it took and how slow the API was meanwhile (timings belong in bench). */
const report = (line: string) => process.stdout.write(`${line}\n`);
const range = (count: number) => Array.from({ length: count }, (_, i) => i);
const today = () => new Date().toISOString().slice(0, 10);

/** Issue #24: many organizations syncing at once must neither hang the service nor starve its API. */
describe('many organizations syncing at once on one database', () => {
  let dovecot: DovecotServer;

  beforeAll(async () => {
    dovecot = await startDovecot();
  });
  afterAll(() => dovecot.close());

  /** `count` organizations, each with its own mailbox of `messages` messages (made ten at a time). */
  async function organizations(api: ApiClient, tag: string, count = ORGANIZATIONS, messages = MESSAGES) {
    const made: Organization[] = [];
    for (let first = 0; first < count; first += 10) {
      const batch = range(Math.min(10, count - first)).map(async (offset) => {
        const user = `${tag}-${first + offset}`;
        await dovecot.addUser(user, 'mailbox-secret');
        const subjects = range(messages).map((m) => `${tag} organization ${first + offset} message ${m}`);
        await dovecot.appendMany(
          user,
          subjects.map((subject) => makeMessage({ subject })),
        );
        const desk = new Helpdesk(api, await createTenant(api));
        await desk.connectIncoming(dovecot, user, 'mailbox-secret');
        return { desk, user, subjects };
      });
      made.push(...(await Promise.all(batch)));
    }
    return made;
  }

  /** Starts every organization at the same moment; returns the slowest Start call's time. */
  async function startAll(orgs: Organization[]): Promise<number> {
    const times = await Promise.all(
      orgs.map(async ({ desk }) => {
        const started = Date.now();
        expect(await desk.start({ from: 'specific-date', date: today() })).toMatchObject({ state: 'running' });
        return Date.now() - started;
      }),
    );
    return Math.max(...times);
  }

  async function allIngested(orgs: Organization[], timeoutMs = 240_000): Promise<void> {
    await eventually(
      async () => {
        const counts = await Promise.all(orgs.map(({ desk }) => desk.ticketCount()));
        return counts.every((count, i) => count >= orgs[i]!.subjects.length) || null;
      },
      timeoutMs,
      1_000,
    );
  }

  async function expectEachMessageOnce(orgs: Organization[]): Promise<void> {
    for (const { desk, subjects } of orgs) {
      expect((await desk.allSubjects()).sort()).toEqual([...subjects].sort());
    }
  }

  async function runsOf(org: Organization): Promise<RunTimes[]> {
    return ((await org.desk.runs()) as RunTimes[]).filter((run) => run.status !== 'running');
  }

  /** The most runs that were under way at one moment, from their recorded start and finish. */
  function mostAtOnce(runs: RunTimes[]): number {
    const edges = runs.flatMap((run) => [
      { at: Date.parse(run.startedAt), step: 1 },
      { at: Date.parse(run.finishedAt!), step: -1 },
    ]);
    // A run that finished in the same millisecond another started was not under way beside it.
    edges.sort((a, b) => a.at - b.at || a.step - b.step);
    let now = 0;
    let most = 0;
    for (const edge of edges) most = Math.max(most, (now += edge.step));
    return most;
  }

  function expectEveryProbeAnswered(samples: ProbeSample[]): void {
    expect(samples.length).toBeGreaterThan(0);
    expect(samples.filter((sample) => sample.status !== 200)).toEqual([]);
    // Busy would still be 200, but the API keeps its share of the pool: the database answers it.
    expect(samples.filter((sample) => sample.what === 'health' && sample.health !== 'ok')).toEqual([]);
  }

  async function withApp<T>(env: Record<string, string>, work: (app: TestApp) => Promise<T>): Promise<T> {
    const app = await startTestApp({ ...SYNC_ENV, ...env });
    try {
      return await work(app);
    } finally {
      await app.close();
    }
  }

  it(`${ORGANIZATIONS} organizations started at the same moment: every message a ticket exactly once, the API answering throughout`, () =>
    withApp({}, async (app) => {
      const orgs = await organizations(app, 'many');
      const probe = probeApi(app, orgs[0]!.desk);
      const began = Date.now();
      const slowestStart = await startAll(orgs);
      await allIngested(orgs);
      const seconds = (Date.now() - began) / 1000;
      const samples = await probe.stop();
      expectEveryProbeAnswered(samples);
      await expectEachMessageOnce(orgs);
      const runs = (await Promise.all(orgs.map(runsOf))).flat();
      expect(mostAtOnce(runs)).toBeLessThanOrEqual(app.config.sync.concurrency);
      const { health, tickets } = slowest(samples);
      report(
        `[#24 ${dialect}] ${ORGANIZATIONS} organizations × ${MESSAGES} messages in ${seconds.toFixed(1)} s ` +
          `(SYNC_CONCURRENCY ${app.config.sync.concurrency}, at most ${mostAtOnce(runs)} runs at once); ` +
          `slowest Start ${slowestStart} ms, /health ${health} ms, ticket list ${tickets} ms over ${samples.length / 2} probes`,
      );
    }));

  it('a run beyond SYNC_CONCURRENCY is queued, visibly, and runs when a slot frees', () =>
    withApp({ SYNC_CONCURRENCY: '1' }, async (app) => {
      const [busy] = await organizations(app, 'busy', 1, 400);
      const [waiting] = await organizations(app, 'waiting', 1, 2);
      await busy!.desk.start({ from: 'specific-date', date: today() });
      await eventually(async () => (await busy!.desk.status()).currentRun?.fetched > 0, 30_000, 10);
      await waiting!.desk.start({ from: 'specific-date', date: today() });
      expect(await waiting!.desk.status()).toMatchObject({ queued: true, syncing: false, currentRun: null });
      const now = await app
        .http()
        .post('/api/v1/sync/now')
        .set('Authorization', `Bearer ${waiting!.desk.tenant.admin.token}`)
        .send({});
      expect(now.status).toBe(202);
      expect(now.body).toMatchObject({ finished: false, queued: true, runId: null });
      await allIngested([busy!, waiting!], 120_000);
      await expectEachMessageOnce([busy!, waiting!]);
      // The queued request joined the queued run: one run each.
      expect(await runsOf(waiting!)).toHaveLength(1);
      expect(mostAtOnce([...(await runsOf(busy!)), ...(await runsOf(waiting!))])).toBe(1);
    }));

  // The pool and several instances are PostgreSQL's: SQLite is one connection of one process.
  (usingPostgres() ? it : it.skip)(
    `with the smallest pool (2 connections) all ${ORGANIZATIONS} organizations still complete, without a hang`,
    () =>
      withApp({ DATABASE_POOL_SIZE: '2' }, async (app) => {
        const orgs = await organizations(app, 'small-pool');
        const probe = probeApi(app, orgs[0]!.desk);
        const began = Date.now();
        await startAll(orgs);
        await allIngested(orgs);
        const seconds = (Date.now() - began) / 1000;
        const samples = await probe.stop();
        expect(samples.filter((sample) => sample.status !== 200)).toEqual([]);
        await expectEachMessageOnce(orgs);
        const { health, tickets } = slowest(samples);
        report(
          `[#24 ${dialect}, pool 2] ${ORGANIZATIONS} organizations in ${seconds.toFixed(1)} s; ` +
            `slowest /health ${health} ms, ticket list ${tickets} ms`,
        );
      }),
  );

  (usingPostgres() ? it : it.skip)(
    'two instances on one PostgreSQL: each organization synced by one instance at a time, nothing twice',
    () =>
      withApp({}, async (first) => {
        const second = await first.sibling();
        try {
          const orgs = await organizations(first, 'two-instances');
          // The first instance starts every organization while the second is asked to sync each one now.
          const [, kicked] = await Promise.all([
            startAll(orgs),
            Promise.all(
              orgs.map(async ({ desk }) => {
                const response = await second
                  .http()
                  .post('/api/v1/sync/now')
                  .set('Authorization', `Bearer ${desk.tenant.admin.token}`)
                  .send({});
                return response.status;
              }),
            ),
          ]);
          expect(kicked.every((status) => status === 200 || status === 202)).toBe(true);
          await allIngested(orgs);
          // Let every queued request of either instance run (or be skipped) before counting runs.
          await eventually(
            async () =>
              (await Promise.all(orgs.map(({ desk }) => desk.status()))).every(
                (status: { syncing: boolean; queued: boolean }) => !status.syncing && !status.queued,
              ) || null,
            120_000,
            500,
          );
          await expectEachMessageOnce(orgs);
          let runs = 0;
          for (const org of orgs) {
            const ofOrg = await runsOf(org);
            expect(mostAtOnce(ofOrg)).toBe(1);
            runs += ofOrg.length;
          }
          report(`[#24 two instances] ${ORGANIZATIONS} organizations, ${runs} runs recorded, none overlapping`);
        } finally {
          await second.stop();
        }
      }),
  );
});
