/**
 * `npm run bench:push [-- --mailboxes 1000 --rate 20 --window 60 --rest 60 --interval 3600]`: many
 * organizations idling (IMAP IDLE) against one harness Dovecot, whose process and connection limits are
 * raised for it. The service runs as `npm start` runs it (its Node flags, NODE_ENV production, info logs
 * as JSON to a pipe, SQLite) in its own process, so memory and CPU are its own; it is driven over HTTP.
 * Measured in one run, each beside its target:
 * - peak RSS of the service (VmHWM over the whole run), and its RSS per idling mailbox;
 * - CPU at rest: the service's CPU time over --rest seconds with every mailbox idling, nothing arriving;
 * - mail → ticket: --rate messages a second for --window seconds, each to a random mailbox; from the
 *   APPEND to the ticket listed by the API (polled): p50, p95, max;
 * - re-establishing every IDLE session after `doveadm kick` of every user, and the login rate the server
 *   saw meanwhile (`doveadm who` sampled), against PUSH_LOGINS_PER_SECOND.
 * The interval runs (the safety net) are set to --interval seconds, so "at rest" is the cost of idling.
 * SYNC_CONCURRENCY, when set, is passed on to the service (each new mail starts a run of its own).
 * Prints figures and targets; asserts nothing.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import request from 'supertest';
import { SQLITE_FILE_NAME } from '../src/database/data-source-options';
import { startDovecot, type DovecotServer } from '../test/harness/dovecot';
import { Helpdesk } from '../test/support/helpdesk';
import { makeMessage } from '../test/support/messages';
import { SUPERADMIN } from '../test/support/test-app';
import { createTenant, type ApiClient } from '../test/support/tenants';
import { allConnected, peakRate, sessionsBefore, watchReconnections } from './push-sessions';
import { peakRss, processCpuSeconds, startService } from './service-phase';

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const MAILBOXES = arg('mailboxes', 1000);
const RATE = arg('rate', 20);
const WINDOW_MS = arg('window', 60) * 1000;
const REST_MS = arg('rest', 60) * 1000;
const INTERVAL_SECONDS = arg('interval', 3600);
/** The product's default; the bench checks the server saw no more than this. */
const LOGINS_PER_SECOND = 20;
const PASSWORD = 'push-bench-secret';
const MB = 1024 * 1024;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` over `items`, `limit` at a time. */
async function pooled<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function residentBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

function openFilesLimit(): string {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  return line ? line.split(/\s+/)[3]! : '?';
}

const INOTIFY_INSTANCES = '/proc/sys/fs/inotify/max_user_instances';

/**
 * Dovecot watches each idling mailbox with an inotify instance of its own; past the kernel's limit (128 on
 * many systems) it falls back to looking every 30 s, and mail waits up to that long whatever the service
 * does. Raised here when allowed (root), else said in the output, so the latency measured is the service's.
 */
function inotifyInstances(wanted: number): string {
  try {
    const current = Number(readFileSync(INOTIFY_INSTANCES, 'utf8'));
    if (current >= wanted) return String(current);
    writeFileSync(INOTIFY_INSTANCES, String(wanted));
    return `${wanted} (raised from ${current})`;
  } catch (error) {
    return `unchanged, could not be raised (${(error as Error).message}): Dovecot polls past it`;
  }
}

interface Tenant {
  desk: Helpdesk;
  user: string;
}

async function setUp(dovecot: DovecotServer, api: ApiClient): Promise<Tenant[]> {
  const users = Array.from({ length: MAILBOXES }, (_, i) => `pushbench${i}`);
  for (const user of users) await dovecot.addUser(user, PASSWORD);
  return pooled(users, 8, async (user) => {
    const desk = new Helpdesk(api, await createTenant(api));
    await desk.connectIncoming(dovecot, user, PASSWORD);
    await api
      .http()
      .put('/api/v1/sync/interval')
      .set('Authorization', `Bearer ${desk.tenant.admin.token}`)
      .send({ seconds: INTERVAL_SECONDS })
      .expect(200);
    return { desk, user };
  });
}

/** Push states as the API shows them, counted by state. */
async function pushStates(tenants: Tenant[]): Promise<Map<string, number>> {
  const states = await pooled(
    tenants,
    8,
    async ({ desk }) => ((await desk.status()) as { push: { state: string } }).push.state,
  );
  const counts = new Map<string, number>();
  for (const state of states) counts.set(state, (counts.get(state) ?? 0) + 1);
  return counts;
}

const describe = (counts: Map<string, number>) => [...counts].map(([state, n]) => `${n} ${state}`).join(', ');

interface Latency {
  sorted: number[];
  lost: number;
  /** APPENDs the bench could not make (the server's limits, not the service's doing). */
  failedAppends: string[];
  cpuSeconds: number;
  /** From the first APPEND until the last ticket (or the give-up). */
  phaseSeconds: number;
  /** The sync runs of the phase: how long each took, ms, sorted. */
  runs: number[];
}

/**
 * RATE messages a second to random mailboxes for the window; each one's time from its APPEND until its
 * ticket is in the database, where the API lists it from. Read from the service's SQLite file (read-only,
 * WAL: it never holds the service up) rather than by polling the API: a thousand organizations' lists
 * asked several times a second would be a load of their own on the service being measured.
 */
async function measureLatency(
  dovecot: DovecotServer,
  tenants: Tenant[],
  pid: number,
  dataDir: string,
): Promise<Latency> {
  const database = new Database(join(dataDir, SQLITE_FILE_NAME), { readonly: true, fileMustExist: true });
  const listed = database.prepare<[], { subject: string }>(
    "SELECT subject FROM tickets WHERE subject LIKE 'push bench message %'",
  );
  const pending = new Map<string, number>();
  const latencies: number[] = [];
  const failedAppends: string[] = [];
  const count = Math.round((RATE * WINDOW_MS) / 1000);
  const cpuBefore = processCpuSeconds(pid);
  const started = Date.now();
  const appends: Promise<void>[] = [];
  for (let index = 0; index < count; index += 1) {
    await sleep(Math.max(0, started + (index * 1000) / RATE - Date.now()));
    const tenant = tenants[Math.floor(Math.random() * tenants.length)]!;
    const subject = `push bench message ${index}`;
    const appendedAt = Date.now();
    // Not awaited in turn: a slow APPEND must not hold the next one back and lower the rate.
    appends.push(
      dovecot.append(tenant.user, makeMessage({ subject })).then(
        () => void pending.set(subject, appendedAt),
        (error: unknown) => void failedAppends.push((error as Error).message),
      ),
    );
    collect(listed.all(), pending, latencies);
  }
  await Promise.all(appends);
  const deadline = Date.now() + 120_000;
  while (pending.size > 0 && Date.now() < deadline) {
    collect(listed.all(), pending, latencies);
    await sleep(20);
  }
  const cpuSeconds = processCpuSeconds(pid) - cpuBefore;
  const phaseSeconds = (Date.now() - started) / 1000;
  const runs = runDurations(database, started);
  database.close();
  return { sorted: latencies.sort((a, b) => a - b), lost: pending.size, failedAppends, cpuSeconds, phaseSeconds, runs };
}

/** How long each sync run that started after `since` (epoch ms) took, ms, sorted. */
function runDurations(database: Database.Database, since: number): number[] {
  // SQLite keeps the times as UTC text without a zone.
  const utc = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);
  return database
    .prepare<[], { started_at: string; finished_at: string }>(
      'SELECT started_at, finished_at FROM sync_runs WHERE finished_at IS NOT NULL',
    )
    .all()
    .filter((run) => utc(run.started_at) >= since)
    .map((run) => utc(run.finished_at) - utc(run.started_at))
    .sort((a, b) => a - b);
}

/** Moves every pending message whose ticket is there now into `latencies`. */
function collect(rows: { subject: string }[], pending: Map<string, number>, latencies: number[]): void {
  const seenAt = Date.now();
  for (const { subject } of rows) {
    const appendedAt = pending.get(subject);
    if (appendedAt === undefined) continue;
    latencies.push(seenAt - appendedAt);
    pending.delete(subject);
  }
}

/** The service's warnings and errors (pino levels 40 and up): how many, and the first few messages. */
function watchComplaints(stdout: Readable): { count: number; first: string[] } {
  const complaints = { count: 0, first: [] as string[] };
  let partial = '';
  stdout.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const level = /"level":(\d+)/.exec(line);
      if (!level || Number(level[1]) < 40) continue;
      complaints.count += 1;
      if (complaints.first.length < 3) complaints.first.push(/"msg":"([^"]*)"/.exec(line)?.[1] ?? line.slice(0, 200));
    }
  });
  return complaints;
}

const seconds = (ms: number | null) =>
  ms === null || Number.isNaN(ms) ? 'never' : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;
const load = () => loadavg()[0]!.toFixed(1);

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hd-bench-push-'));
  const inotify = inotifyInstances(MAILBOXES + 256);
  const dovecot = await startDovecot({ connections: MAILBOXES });
  const service = startService({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: '',
    MAIL_ALLOW_PRIVATE_HOSTS: 'true',
    SUPERADMIN_EMAIL: SUPERADMIN.email,
    SUPERADMIN_PASSWORD: SUPERADMIN.password,
    // Set-up only: a thousand organizations' admins are made and signed in from this one address.
    PASSWORD_HASH_COST: '4',
    LOGIN_MAX_ATTEMPTS_PER_IP: '100000',
    // Set, so the service does not warn that it made them up (the warnings counted below are the run's own).
    JWT_SECRET: 'push-bench-jwt-secret-push-bench-jwt-secret',
    MESSAGE_ID_SECRET: 'push-bench-message-id-secret-push-bench',
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    // Passed on when set, to see how the mail → ticket latency depends on it (each new mail is one run).
    ...(process.env.SYNC_CONCURRENCY ? { SYNC_CONCURRENCY: process.env.SYNC_CONCURRENCY } : {}),
  });
  try {
    const complaints = watchComplaints(service.child.stdout);
    const url = await service.listening;
    const pid = service.child.pid!;
    const api: ApiClient = { http: () => request(url) };
    const loadAtStart = load();
    const tenants = await setUp(dovecot, api);
    const users = tenants.map((tenant) => tenant.user);
    const rssBeforeStart = residentBytes(pid);

    // Start every organization: each one's IDLE connection comes up through the admission gate.
    const startedAt = Date.now();
    await pooled(tenants, 8, ({ desk }) => desk.start({ from: 'current-date' }));
    await allConnected(dovecot, users, startedAt, 600_000);
    let atStart = await pushStates(tenants);
    while ((atStart.get('idle') ?? 0) < MAILBOXES && Date.now() - startedAt < 600_000) {
      await sleep(1_000);
      atStart = await pushStates(tenants);
    }
    const allIdleAfter = Date.now() - startedAt;
    // The catch-up run of each new connection is over well before this.
    await sleep(15_000);

    const cpuBefore = processCpuSeconds(pid);
    const restFrom = Date.now();
    await sleep(REST_MS);
    const restCpu = (processCpuSeconds(pid) - cpuBefore) / ((Date.now() - restFrom) / 1000);
    const rssAtRest = residentBytes(pid);

    const latency = await measureLatency(dovecot, tenants, pid, dataDir);
    await sleep(5_000);

    const before = await sessionsBefore(dovecot);
    const kickedAt = Date.now();
    await dovecot.kick('pushbench*');
    const again = await watchReconnections(dovecot, users, before, kickedAt, 300_000);
    const afterKick = await pushStates(tenants);
    const peak = peakRss(pid);
    const loadAtEnd = load();

    // Over the logins seen: from the first session back to the sample that saw the last one back.
    const backCount = MAILBOXES - again.missing;
    const lastBackAt = again.samples.find((sample) => sample.back === backCount)?.at ?? null;
    const reconnectSpan = lastBackAt !== null && again.firstBackAt !== null ? lastBackAt - again.firstBackAt : null;
    const averageRate = reconnectSpan ? (backCount - 1) / (reconnectSpan / 1000) : NaN;
    const sorted = latency.sorted;
    console.log(
      `bench:push — ${MAILBOXES} organizations idling on one harness Dovecot; the service as npm start runs it ` +
        `(SQLite, own process); interval runs every ${INTERVAL_SECONDS} s; ` +
        `SYNC_CONCURRENCY ${process.env.SYNC_CONCURRENCY ?? 'default (5)'}; open-files limit ${openFilesLimit()}; ` +
        `inotify instances ${inotify}; ` +
        `load average ${loadAtStart} at start, ${loadAtEnd} at end\n`,
    );
    console.log(
      `start-up: every IDLE session open ${seconds(allIdleAfter)} after the Start calls began; API: ${describe(atStart)}`,
    );
    console.log(`peak RSS of the service                ${mb(peak).padStart(10)}   (target < 800 MB)`);
    console.log(
      `    RSS ${mb(rssBeforeStart)} before Start, ${mb(rssAtRest)} with all idling: ` +
        `${((rssAtRest - rssBeforeStart) / MAILBOXES / 1024).toFixed(0)} KB per mailbox`,
    );
    console.log(
      `CPU at rest, all idling (${REST_MS / 1000} s)          ${`${(restCpu * 100).toFixed(1)}%`.padStart(10)}   (target < 5% of one core)`,
    );
    console.log(
      `mail → ticket p95, ${RATE} msg/s for ${WINDOW_MS / 1000} s   ${seconds(percentile(sorted, 95)).padStart(10)}   (target ≤ 3 s)`,
    );
    console.log(
      `    ${sorted.length} messages: p50 ${seconds(percentile(sorted, 50))}, max ${seconds(sorted[sorted.length - 1] ?? null)}` +
        `${latency.lost > 0 ? `, ${latency.lost} never listed` : ''}` +
        `${latency.failedAppends.length > 0 ? `, ${latency.failedAppends.length} APPENDs failed (${latency.failedAppends[0]})` : ''}; ` +
        `service CPU meanwhile ${((latency.cpuSeconds / latency.phaseSeconds) * 100).toFixed(0)}% of one core, ` +
        `${((latency.cpuSeconds / Math.max(1, sorted.length)) * 1000).toFixed(0)} ms CPU per message; ` +
        `${latency.runs.length} sync runs, each ${seconds(percentile(latency.runs, 50))} (p50) / ` +
        `${seconds(percentile(latency.runs, 95))} (p95)`,
    );
    console.log(
      `all IDLE sessions back after the kick   ${seconds(again.allBackAt).padStart(10)}   (target ≤ 60 s)` +
        `${again.missing > 0 ? `; ${again.missing} never came back` : ''}`,
    );
    console.log(
      `service log: ${complaints.count} warnings and errors${complaints.first.length > 0 ? `, first: ${complaints.first.join(' | ')}` : ''}`,
    );
    console.log(
      `    logins ${averageRate.toFixed(1)}/s on average, at most ${peakRate(again.samples, 1).toFixed(1)}/s over any second, ` +
        `${peakRate(again.samples, 5).toFixed(1)}/s over any 5 s ` +
        `(PUSH_LOGINS_PER_SECOND ${LOGINS_PER_SECOND}); API then: ${describe(afterKick)}`,
    );
  } finally {
    await service.stop();
    await dovecot.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
