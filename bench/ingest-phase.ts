/**
 * One measured phase of `npm run bench:ingest`, in its own process so its peak RSS is its own.
 * Prints one line `RESULT {json}`. Driven by bench/ingest.ts through environment variables.
 */
// First, so it lists the process's threads before anything starts libuv's pool (see cpu-sampler).
import { measureCpu, type CpuSpent } from './cpu-sampler';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { Helpdesk } from '../test/support/helpdesk';
import { startTestApp } from '../test/support/test-app';
import { createTenant } from '../test/support/tenants';
import { sampleRss } from './rss-sampler';

interface PhaseEnv {
  phase: 'raw' | 'sync';
  host: string;
  port: number;
  user: string;
  password: string;
  count: number;
  /** Where the sync keeps its files; the bench removes it when all phases are done. */
  dataDir: string | undefined;
}

function readEnv(): PhaseEnv {
  const env = process.env;
  return {
    phase: env.BENCH_PHASE === 'raw' ? 'raw' : 'sync',
    host: env.BENCH_IMAP_HOST ?? '127.0.0.1',
    port: Number(env.BENCH_IMAP_PORT),
    user: env.BENCH_USER ?? '',
    password: env.BENCH_PASSWORD ?? '',
    count: Number(env.BENCH_COUNT),
    dataDir: env.BENCH_DATA_DIR || undefined,
  };
}

/** The raw limit: imapflow fetching every full source, mailparser parsing each, in sequence; no database. */
async function raw(env: PhaseEnv): Promise<{ seconds: number; messages: number; cpu: CpuSpent | null }> {
  const client = new ImapFlow({
    host: env.host,
    port: env.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: env.user, pass: env.password },
    logger: false,
  });
  await client.connect();
  await client.mailboxOpen('INBOX', { readOnly: true });
  const started = process.hrtime.bigint();
  const cpu = measureCpu();
  let messages = 0;
  for await (const message of client.fetch('1:*', { uid: true, source: true }, { uid: true })) {
    if (message.source) await simpleParser(message.source);
    messages += 1;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const spent = cpu.stop();
  await client.logout();
  return { seconds, messages, cpu: spent };
}

/** A full sync into tickets through the product, timed from Start to the last message stored. */
async function sync(
  env: PhaseEnv,
): Promise<{ seconds: number; messages: number; baselineRss: number; cpu: CpuSpent | null }> {
  const testApp = await startTestApp({
    MAIL_ALLOW_PRIVATE_HOSTS: 'true',
    SYNC_RUN_BUDGET_SECONDS: '3600',
    SYNC_NOW_WAIT_SECONDS: '600',
    SYNC_MAX_MESSAGE_BYTES: process.env.SYNC_MAX_MESSAGE_BYTES,
    // The product's default for this machine unless set (the test suite pins it to 1).
    SYNC_PARSE_WORKERS: process.env.SYNC_PARSE_WORKERS,
    ...(env.dataDir ? { DATA_DIR: env.dataDir } : {}),
  });
  try {
    const desk = new Helpdesk(testApp, await createTenant(testApp));
    await desk.connectIncoming({ host: env.host, imapPort: env.port } as never, env.user, env.password);
    const baselineRss = process.memoryUsage.rss();
    const started = process.hrtime.bigint();
    const cpu = measureCpu();
    await desk.start({ from: 'specific-date', date: '2020-01-01' });
    const run = await desk.syncNow();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const spent = cpu.stop();
    if (run.failed > 0 || run.status !== 'succeeded')
      throw new Error(`Run ended ${run.status} with ${run.failed} failures`);
    return { seconds, messages: run.fetched, baselineRss, cpu: spent };
  } finally {
    await testApp.close();
  }
}

async function main(): Promise<void> {
  const env = readEnv();
  const rss = sampleRss();
  const result = env.phase === 'raw' ? await raw(env) : await sync(env);
  const peakRss = rss.stop();
  process.stdout.write(`RESULT ${JSON.stringify({ ...result, peakRss })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
