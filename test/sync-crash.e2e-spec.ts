import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDovecot, type DovecotServer } from './harness/dovecot';
import { Helpdesk } from './support/helpdesk';
import { eventually, makeMessage } from './support/messages';
import { serviceEnv, startService } from './support/spawn-app';
import { createTestDatabase, usingPostgres, type TestDatabase } from './support/test-database';
import { createTenant, type ApiClient } from './support/tenants';

/** How many messages GET /sync/runs/:id/messages lists for a run (every page). */
async function runMessageCount(api: ApiClient, token: string, runId: string): Promise<number> {
  let count = 0;
  for (let after: number | null = 0; after !== null;) {
    const page: { body: { items: unknown[]; nextAfter: number | null } } = await api
      .http()
      .get(`/api/v1/sync/runs/${runId}/messages?after=${after}&limit=500`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    count += page.body.items.length;
    after = page.body.nextAfter;
  }
  return count;
}

describe('sync survives crashes and concurrent instances: each message exactly once', () => {
  let dovecot: DovecotServer;
  let dataDir: string;
  let database: TestDatabase;
  let env: Record<string, string | undefined>;

  beforeEach(async () => {
    dovecot = await startDovecot();
    dataDir = mkdtempSync(join(tmpdir(), 'hd-crash-'));
    database = await createTestDatabase();
    env = serviceEnv(dataDir, database.url, {
      MAIL_ALLOW_PRIVATE_HOSTS: 'true',
      SYNC_MIN_INTERVAL_SECONDS: '1',
      SYNC_NOW_WAIT_SECONDS: '120',
      // A killed instance's lease blocks its organizations this long (the runs in between are skipped).
      SYNC_LEASE_SECONDS: '3',
      // Several instances must share the secrets that an instance would otherwise generate.
      JWT_SECRET: randomBytes(32).toString('hex'),
      MESSAGE_ID_SECRET: randomBytes(32).toString('hex'),
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
  });
  afterEach(async () => {
    await dovecot.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function mailboxWith(count: number, prefix: string): Promise<string> {
    const user = `support-${randomBytes(3).toString('hex')}`;
    await dovecot.addUser(user, 'mailbox-secret');
    await dovecot.appendMany(
      user,
      Array.from({ length: count }, (_, i) =>
        makeMessage({ subject: `${prefix} ${i}`, body: `Message ${i}\n`.repeat(20) }),
      ),
    );
    return user;
  }

  it('SIGKILL in the middle of a large run, then a restart: nothing lost, nothing duplicated', async () => {
    const count = 1500;
    const user = await mailboxWith(count, 'Crash');
    const first = await startService(env);
    const desk = new Helpdesk(first.api, await createTenant(first.api));
    await desk.connectIncoming(dovecot, user, 'mailbox-secret');
    const today = new Date().toISOString().slice(0, 10);
    await desk.start({ from: 'specific-date', date: today });
    const before = await eventually(async () => {
      const total = await desk.ticketCount();
      return total >= 100 ? total : null;
    }, 60_000);
    expect(await first.service.kill('SIGKILL')).toBeNull();
    expect(before).toBeLessThan(count);

    const second = await startService(env);
    const resumed = new Helpdesk(second.api, desk.tenant);
    // Until the killed instance's lease expires a run is skipped (no run): then one runs.
    const run = await eventually(() => resumed.syncNow(), 30_000, 500);
    expect(run.status).toBe('succeeded');
    expect(run.failed).toBe(0);
    const subjects = await resumed.allSubjects();
    expect(subjects.length).toBe(count);
    expect(new Set(subjects).size).toBe(count);
    // The killed run shows what it committed (the ledger's messages of that run), and the totals add up.
    const runs: { id: string; status: string; fetched: number; tickets: number; failed: number }[] =
      await resumed.runs();
    const interrupted = runs.find((r) => r.status === 'interrupted')!;
    expect(interrupted).toBeDefined();
    const committed = await runMessageCount(second.api, desk.tenant.admin.token, interrupted.id);
    expect(committed).toBeGreaterThanOrEqual(before);
    expect(interrupted).toMatchObject({ fetched: committed, tickets: committed, failed: 0 });
    expect(runs.reduce((sum, r) => sum + r.fetched, 0)).toBe(count);
    const status = await resumed.status();
    expect(status.totals).toMatchObject({ fetched: count, tickets: count, failed: 0 });
    expect(await resumed.ticketCount()).toBe(status.totals.tickets);
    await second.service.kill();
  });

  // One process owns an SQLite file; several instances are a PostgreSQL deployment.
  (usingPostgres() ? it : it.skip)('two instances against one PostgreSQL database and one mailbox', async () => {
    const count = 600;
    const user = await mailboxWith(count, 'Shared');
    const a = await startService(env);
    const deskA = new Helpdesk(a.api, await createTenant(a.api));
    await deskA.connectIncoming(dovecot, user, 'mailbox-secret');
    await a.api
      .http()
      .put('/api/v1/sync/interval')
      .set('Authorization', `Bearer ${deskA.tenant.admin.token}`)
      .send({ seconds: 1 })
      .expect(200);
    await deskA.start({ from: 'specific-date', date: new Date().toISOString().slice(0, 10) });
    // B starts after the organization is running, so its scheduler picks it up too: both tick every second.
    const b = await startService(env);
    const deskB = new Helpdesk(b.api, deskA.tenant);
    await Promise.all([deskA.syncNow(), deskB.syncNow(), deskA.syncNow(), deskB.syncNow()]);
    await eventually(async () => (await deskA.ticketCount()) === count || null, 60_000);
    await Promise.all([deskA.syncNow(), deskB.syncNow()]);
    const subjects = await deskA.allSubjects();
    expect(subjects.length).toBe(count);
    expect(new Set(subjects).size).toBe(count);
    expect(await deskB.failures()).toEqual([]);
    await a.service.kill();
    await b.service.kill();
  });
});
