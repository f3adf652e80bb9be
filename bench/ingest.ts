/**
 * `npm run bench:ingest [-- --count N | --large] [--runs R] [--latency MS]`: puts N realistic messages
 * (default 2,000; 10,000 with --large) into a private Dovecot, then measures in the same run (a) the raw
 * limit (imapflow + mailparser, no database), (b) a full sync into tickets on SQLite, (c) the same on
 * PostgreSQL when it answers at TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * (d) RSS growth while ingesting one message with a 20 MB attachment, and (f) the built service as
 * `npm start` runs it, timed through its HTTP API on SQLite (bench/service-phase.ts). Each of (a)-(c) runs R times
 * (default 3) in rotation, a b c a b c ..., so a machine that slows down or speeds up meanwhile weighs on
 * all three alike; figures are medians, ratios are the median of each round's own ratio. With --latency,
 * phases (a)-(c) reach Dovecot through a proxy that delays each direction by MS milliseconds, as a
 * remote server would. With BENCH_TENANTS=100 (off by default: it takes several minutes), then (e), the
 * many-tenants phase: that many organizations with BENCH_TENANT_MESSAGES messages each (default 100) in
 * mailboxes of their own, started at the same moment, on SQLite and PostgreSQL: total msg/s, and the
 * latency of `/health` and of a ticket list asked every 200 ms meanwhile. Prints figures, CPU time by
 * who spent it, and ratios; asserts nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDovecot, type DovecotServer } from '../test/harness/dovecot';
import { startLatencyProxy, type LatencyProxy } from './latency-proxy';
import type { CpuSpent } from './cpu-sampler';
import { realisticMessage } from './realistic-messages';
import { PG_URL, postgresAnswers } from './postgres';
import { servicePhase, type ServicePhaseResult } from './service-phase';

interface PhaseResult {
  seconds: number;
  messages: number;
  peakRss: number;
  baselineRss?: number;
  cpu: CpuSpent | null;
}

const MB = 1024 * 1024;

/** The Node flags `npm start` runs the service with (package.json), so memory is measured as it runs. */
const SERVICE_NODE_FLAGS = ['--max-old-space-size=512'];

function argCount(): number {
  const args = process.argv.slice(2);
  if (args.includes('--large')) return 10_000;
  const at = args.indexOf('--count');
  return at >= 0 ? Number(args[at + 1]) : 2_000;
}

function argRuns(): number {
  const at = process.argv.indexOf('--runs');
  return at >= 0 ? Math.max(1, Number(process.argv[at + 1])) : 3;
}

/** One-way delay in milliseconds for --latency, 0 without it. */
function argLatency(): number {
  const at = process.argv.indexOf('--latency');
  return at >= 0 ? Math.max(0, Number(process.argv[at + 1])) : 0;
}

/** Where the phases find the IMAP server. */
type ImapAddress = Pick<DovecotServer, 'host' | 'imapPort'>;

function runPhase(
  phase: 'raw' | 'sync',
  dovecot: ImapAddress,
  user: string,
  count: number,
  extraEnv = {},
): PhaseResult {
  const result = spawnSync(process.execPath, [...SERVICE_NODE_FLAGS, join(__dirname, 'ingest-phase.js')], {
    env: {
      ...process.env,
      BENCH_PHASE: phase,
      BENCH_IMAP_HOST: dovecot.host,
      BENCH_IMAP_PORT: String(dovecot.imapPort),
      BENCH_USER: user,
      BENCH_PASSWORD: 'bench-secret',
      BENCH_COUNT: String(count),
      TEST_DATABASE_URL: '',
      ...extraEnv,
    },
    encoding: 'utf8',
    maxBuffer: 64 * MB,
  });
  const line = result.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (result.status !== 0 || !line) throw new Error(`Phase ${phase} failed:\n${result.stderr}`);
  return JSON.parse(line.slice(7)) as PhaseResult;
}

async function fill(dovecot: DovecotServer, user: string, raws: string[]): Promise<void> {
  await dovecot.addUser(user, 'bench-secret');
  for (let start = 0; start < raws.length; start += 500) {
    await dovecot.appendMany(user, raws.slice(start, start + 500));
  }
}

interface Latencies {
  count: number;
  p50: number;
  p99: number;
  max: number;
  failed: number;
}

interface TenantsResult {
  messages: number;
  seconds: number;
  /** How long the Start calls took to answer, all of them. */
  startsSeconds: number;
  concurrency: number;
  health: Latencies;
  tickets: Latencies;
  /** The probes asked once every Start call had answered. */
  afterStarts: { health: Latencies; tickets: Latencies };
}

function runTenantsPhase(dovecot: ImapAddress, tenants: number, extraEnv: Record<string, string>): TenantsResult {
  const result = spawnSync(process.execPath, [...SERVICE_NODE_FLAGS, join(__dirname, 'many-tenants-phase.js')], {
    env: {
      ...process.env,
      BENCH_IMAP_HOST: dovecot.host,
      BENCH_IMAP_PORT: String(dovecot.imapPort),
      BENCH_TENANTS: String(tenants),
      TEST_DATABASE_URL: '',
      ...extraEnv,
    },
    encoding: 'utf8',
    maxBuffer: 64 * MB,
  });
  const line = result.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (result.status !== 0 || !line) throw new Error(`Many-tenants phase failed:\n${result.stderr}`);
  return JSON.parse(line.slice(7)) as TenantsResult;
}

function tenantsLine(label: string, r: TenantsResult, oneMailbox: PhaseResult[]): string {
  const api = (name: string, l: Latencies) =>
    `${name} p50 ${l.p50} / p99 ${l.p99} / max ${l.max} ms${l.failed > 0 ? ` (${l.failed} failed)` : ''}`;
  return (
    `${label} ${(r.messages / r.seconds).toFixed(0).padStart(6)} msg/s total (one mailbox: ${median(oneMailbox.map(rate)).toFixed(0)}), ` +
    `${r.messages} messages in ${r.seconds.toFixed(1)} s, SYNC_CONCURRENCY ${r.concurrency}\n` +
    `      API meanwhile (${r.health.count} probes each): ${api('/health', r.health)}; ${api('ticket list', r.tickets)}\n` +
    `      after the ${r.startsSeconds.toFixed(1)} s of Start calls: ${api('/health', r.afterStarts.health)}; ` +
    `${api('ticket list', r.afterStarts.tickets)}`
  );
}

/** (e): BENCH_TENANTS organizations with a mailbox of their own each, started at the same moment. */
async function manyTenants(
  dovecot: DovecotServer,
  b: PhaseResult[],
  c: PhaseResult[],
  withPostgres: boolean,
  keptData: (env?: Record<string, string>) => Record<string, string>,
): Promise<void> {
  const tenants = Number(process.env.BENCH_TENANTS ?? 0);
  const perTenant = Number(process.env.BENCH_TENANT_MESSAGES ?? 100);
  if (!(tenants > 0)) {
    console.log('\n(e) many tenants at once: skipped (BENCH_TENANTS=100 runs it; several minutes)');
    return;
  }
  for (let first = 0; first < tenants; first += 10) {
    const users = Array.from({ length: Math.min(10, tenants - first) }, (_, i) => first + i);
    await Promise.all(
      users.map((user) =>
        fill(
          dovecot,
          `tenant-${user}`,
          Array.from({ length: perTenant }, (_, i) => realisticMessage(user * perTenant + i)),
        ),
      ),
    );
  }
  console.log(
    `\n(e) ${tenants} organizations × ${perTenant} messages, each its own mailbox, started at the same moment`,
  );
  console.log(tenantsLine('    SQLite    ', runTenantsPhase(dovecot, tenants, keptData()), b));
  if (withPostgres) {
    console.log(
      tenantsLine('    PostgreSQL', runTenantsPhase(dovecot, tenants, keptData({ TEST_DATABASE_URL: PG_URL })), c),
    );
  }
}

const rate = (r: PhaseResult) => r.messages / r.seconds;
const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Median msg/s with the spread of the runs, peak RSS of all runs, and median CPU per 1,000 messages. */
function phaseLine(label: string, results: PhaseResult[]): string {
  const rates = results.map(rate);
  const spread = results.length > 1 ? ` (${Math.min(...rates).toFixed(0)}-${Math.max(...rates).toFixed(0)})` : '';
  const peak = Math.max(...results.map((r) => r.peakRss));
  const perThousand = (pick: (cpu: CpuSpent) => number) =>
    median(results.map((r) => (r.cpu ? (pick(r.cpu) / r.messages) * 1000 : NaN))).toFixed(2);
  const cpu = results.every((r) => r.cpu)
    ? `   CPU s per 1,000 msgs: main ${perThousand((c) => c.main)}, V8 ${perThousand((c) => c.runtime)}, pool ${perThousand((c) => c.pool)}, servers ${perThousand((c) => c.servers)}`
    : '';
  return `${label} ${median(rates).toFixed(0).padStart(6)} msg/s${spread.padEnd(12)} peak RSS ${mb(peak)}${cpu}`;
}

function serviceLine(label: string, results: ServicePhaseResult[]): string {
  const rates = results.map((r) => r.messages / r.seconds);
  const spread = results.length > 1 ? ` (${Math.min(...rates).toFixed(0)}-${Math.max(...rates).toFixed(0)})` : '';
  const cpu = median(results.map((r) => (r.cpuSeconds / r.messages) * 1000)).toFixed(2);
  const peak = Math.max(...results.map((r) => r.peakRss));
  return `${label} ${median(rates).toFixed(0).padStart(6)} msg/s${spread.padEnd(12)} peak RSS ${mb(peak)}   CPU s per 1,000 msgs: whole process ${cpu}`;
}

/** The median of each round's own ratio: both phases of a round ran on the machine as it was then. */
function ratio(of: PhaseResult[], to: PhaseResult[]): string {
  const ratios = of.map((result, round) => rate(result) / rate(to[round]));
  const spread =
    ratios.length > 1 ? `, rounds ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}` : '';
  return `${median(ratios).toFixed(2)}   (target >= 0.7, design >= 1.0${spread})`;
}

async function main(): Promise<void> {
  const count = argCount();
  const runs = argRuns();
  const latency = argLatency();
  /**
   * The sync phases' files stay here until the bench ends (about 30 MB a phase at 2,000 messages, 150 MB
   * at 10,000). Removed after each phase, they made the next phase slower: without a journal, ext4 skips
   * inodes freed in the last minutes when it makes a file, so each attachment the next phase stored
   * scanned past the thousands the previous phase had just freed (up to a third of the sync's
   * thread-pool CPU). A helpdesk's store does not delete thousands of files a minute; the bench should
   * not either.
   */
  const dataRoot = mkdtempSync(join(tmpdir(), 'hd-bench-'));
  const keptData = (env: Record<string, string> = {}) => ({
    ...env,
    BENCH_DATA_DIR: mkdtempSync(join(dataRoot, 'phase-')),
  });
  let dovecot: DovecotServer | null = null;
  let proxy: LatencyProxy | null = null;
  try {
    dovecot = await startDovecot();
    const raws = Array.from({ length: count }, (_, i) => realisticMessage(i));
    const bytes = raws.reduce((sum, raw) => sum + Buffer.byteLength(raw), 0);
    await fill(dovecot, 'bench', raws);
    const withPostgres = await postgresAnswers();
    proxy = latency > 0 ? await startLatencyProxy(dovecot.imapPort, latency) : null;
    const imap: ImapAddress = proxy ? { host: '127.0.0.1', imapPort: proxy.port } : dovecot;
    console.log(
      `bench:ingest — ${count} messages, ${(bytes / MB).toFixed(1)} MiB in Dovecot` +
        `${latency > 0 ? ` behind ${latency} ms of latency each way` : ''}; ` +
        `${runs} run${runs > 1 ? 's' : ''} of each phase in rotation, medians (range)\n`,
    );
    const a: PhaseResult[] = [];
    const b: PhaseResult[] = [];
    const c: PhaseResult[] = [];
    const f: ServicePhaseResult[] = [];
    for (let round = 0; round < runs; round += 1) {
      a.push(runPhase('raw', imap, 'bench', count));
      b.push(runPhase('sync', imap, 'bench', count, keptData()));
      if (withPostgres) c.push(runPhase('sync', imap, 'bench', count, keptData({ TEST_DATABASE_URL: PG_URL })));
      f.push(await servicePhase(imap, 'bench', keptData().BENCH_DATA_DIR));
    }
    console.log(phaseLine('(a) raw limit, imapflow + mailparser  ', a));
    console.log(phaseLine('(b) full sync into tickets, SQLite    ', b));
    if (withPostgres) console.log(phaseLine('(c) full sync into tickets, PostgreSQL', c));
    else console.log(`(c) PostgreSQL did not answer at ${PG_URL}: skipped`);
    console.log(serviceLine('(f) the service (npm start), SQLite   ', f));
    console.log(`\nb/a = ${ratio(b, a)}`);
    if (withPostgres) console.log(`c/a = ${ratio(c, a)}`);
    const serviceRatios = f.map((result, round) => result.messages / result.seconds / rate(b[round]!));
    console.log(
      `f/b = ${median(serviceRatios).toFixed(2)}   (the service against the in-process sync of the same round)`,
    );

    const attachment = 20 * MB;
    await fill(dovecot, 'large', [realisticMessage(0, attachment)]);
    // 20 MB base64-encoded is a ~27 MB message: over the 25 MB default, so the limit is raised here.
    const d = runPhase('sync', dovecot, 'large', 1, keptData({ SYNC_MAX_MESSAGE_BYTES: String(64 * MB) }));
    const growth = d.peakRss - (d.baselineRss ?? d.peakRss);
    console.log(
      `\n(d) one message with a 20 MB attachment: RSS ${mb(d.baselineRss ?? 0)} -> ${mb(d.peakRss)}, growth ${mb(growth)} = ${(growth / attachment).toFixed(2)}x the attachment (target < 3x)`,
    );
    await manyTenants(dovecot, b, c, withPostgres, keptData);
  } finally {
    proxy?.close();
    await dovecot?.close();
    rmSync(dataRoot, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
