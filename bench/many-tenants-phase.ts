/**
 * The many-tenants phase of `npm run bench:ingest`, in its own process: BENCH_TENANTS organizations,
 * each connected to its own Dovecot user `tenant-<i>` (filled by bench/ingest.ts), all started at the
 * same moment. Meanwhile `/health` and one organization's ticket list are each asked every 200 ms, as a
 * user would. Prints one line `RESULT {json}`: messages, seconds, and the API's latencies.
 */
import { Helpdesk } from '../test/support/helpdesk';
import { startTestApp } from '../test/support/test-app';
import { createTenant } from '../test/support/tenants';

interface Latencies {
  count: number;
  p50: number;
  p99: number;
  max: number;
  failed: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface Sample {
  /** When it was asked, from the moment the organizations were started. */
  at: number;
  ms: number;
  ok: boolean;
}

function summarize(samples: Sample[]): Latencies {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    count: samples.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? 0,
    failed: samples.filter((s) => !s.ok).length,
  };
}

async function main(): Promise<void> {
  const tenants = Number(process.env.BENCH_TENANTS);
  const imap = { host: process.env.BENCH_IMAP_HOST ?? '127.0.0.1', imapPort: Number(process.env.BENCH_IMAP_PORT) };
  const testApp = await startTestApp({
    MAIL_ALLOW_PRIVATE_HOSTS: 'true',
    SYNC_RUN_BUDGET_SECONDS: '3600',
    SYNC_NOW_WAIT_SECONDS: '600',
    SYNC_PARSE_WORKERS: process.env.SYNC_PARSE_WORKERS,
    ...(process.env.BENCH_DATA_DIR ? { DATA_DIR: process.env.BENCH_DATA_DIR } : {}),
  });
  try {
    const desks: Helpdesk[] = [];
    for (let first = 0; first < tenants; first += 10) {
      const batch = Array.from({ length: Math.min(10, tenants - first) }, async (_, offset) => {
        const desk = new Helpdesk(testApp, await createTenant(testApp));
        await desk.connectIncoming(imap as never, `tenant-${first + offset}`, 'bench-secret');
        return desk;
      });
      desks.push(...(await Promise.all(batch)));
    }
    const probes = { health: [] as Sample[], tickets: [] as Sample[] };
    let began = Date.now();
    let probing = true;
    const probe = async (kind: keyof typeof probes, ask: () => Promise<{ status: number }>) => {
      while (probing) {
        const started = Date.now();
        const ok = await ask().then(
          (response) => response.status === 200,
          () => false,
        );
        probes[kind].push({ at: started - began, ms: Date.now() - started, ok });
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 200 - (Date.now() - started))));
      }
    };
    const auth = { Authorization: `Bearer ${desks[0].tenant.admin.token}` };
    const probers = [
      probe('health', () => testApp.http().get('/health')),
      probe('tickets', () => testApp.http().get('/api/v1/tickets?pageSize=25').set(auth)),
    ];
    const started = process.hrtime.bigint();
    began = Date.now();
    await Promise.all(desks.map((desk) => desk.start({ from: 'specific-date', date: '2020-01-01' })));
    const startsMs = Date.now() - began;
    // Joins each organization's run (queued or under way) and answers when it has ended.
    await Promise.all(desks.map((desk) => desk.syncNow()));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    probing = false;
    await Promise.all(probers);
    let messages = 0;
    for (const desk of desks) messages += ((await desk.status()) as { totals: { fetched: number } }).totals.fetched;
    // The Start calls open every mailbox at once (to set where each sync begins): the API's latency
    // while they are in flight and once they have answered, apart.
    const after = (samples: Sample[]) => samples.filter((sample) => sample.at > startsMs);
    const result = {
      messages,
      seconds,
      startsSeconds: startsMs / 1000,
      concurrency: testApp.config.sync.concurrency,
      health: summarize(probes.health),
      tickets: summarize(probes.tickets),
      afterStarts: { health: summarize(after(probes.health)), tickets: summarize(after(probes.tickets)) },
    };
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } finally {
    await testApp.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
