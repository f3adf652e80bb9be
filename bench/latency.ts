/**
 * `npm run bench:latency [-- --organizations 20 --messages 100 --window 60 --interval 60]`: mail →
 * ticket latency as a user sees it. N organizations sync from one harness Dovecot; M messages go to
 * random organizations at random moments over the window; each one's time from APPEND to its ticket
 * being visible through the API (GET /tickets, polled) is measured. Done twice, side by side: with push
 * (IMAP IDLE) on, and with push off, where only the interval runs (every --interval seconds) bring mail
 * in. Prints p50, p95 and max. SQLite, in-process app. Asserts nothing.
 */
import { startDovecot, type DovecotServer } from '../test/harness/dovecot';
import { Helpdesk } from '../test/support/helpdesk';
import { eventually, makeMessage } from '../test/support/messages';
import { pushOf, setPush } from '../test/support/push';
import { startTestApp, type TestApp } from '../test/support/test-app';
import { createTenant } from '../test/support/tenants';

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const ORGANIZATIONS = arg('organizations', 20);
const MESSAGES = arg('messages', 100);
const WINDOW_MS = arg('window', 60) * 1000;
const INTERVAL_SECONDS = arg('interval', 60);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Tenant {
  desk: Helpdesk;
  user: string;
}

interface Pending {
  tenant: Tenant;
  subject: string;
  appendedAt: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function setUp(dovecot: DovecotServer, testApp: TestApp): Promise<Tenant[]> {
  const tenants: Tenant[] = [];
  for (let i = 0; i < ORGANIZATIONS; i += 1) {
    const user = `latency${i}`;
    await dovecot.addUser(user, 'mailbox-secret');
    const desk = new Helpdesk(testApp, await createTenant(testApp));
    await desk.connectIncoming(dovecot, user, 'mailbox-secret');
    await desk.start({ from: 'current-date' });
    await testApp
      .http()
      .put('/api/v1/sync/interval')
      .set('Authorization', `Bearer ${desk.tenant.admin.token}`)
      .send({ seconds: INTERVAL_SECONDS })
      .expect(200);
    tenants.push({ desk, user });
  }
  return tenants;
}

/** Sends the messages at random moments of the window and measures each one until its ticket shows. */
async function measure(dovecot: DovecotServer, tenants: Tenant[], label: string): Promise<number[]> {
  const pending = new Set<Pending>();
  const latencies: number[] = [];
  const started = Date.now();
  const moments = Array.from({ length: MESSAGES }, () => Math.random() * WINDOW_MS).sort((a, b) => a - b);
  const sending = (async () => {
    for (const [index, moment] of moments.entries()) {
      await sleep(Math.max(0, started + moment - Date.now()));
      const tenant = tenants[Math.floor(Math.random() * tenants.length)];
      const subject = `${label} message ${index}`;
      const appendedAt = Date.now();
      await dovecot.append(tenant.user, makeMessage({ subject }));
      pending.add({ tenant, subject, appendedAt });
    }
  })();
  let sent = false;
  void sending.then(() => (sent = true));
  const deadline = started + WINDOW_MS + INTERVAL_SECONDS * 2000 + 60_000;
  while ((!sent || pending.size > 0) && Date.now() < deadline) {
    // One list read per organization that is waiting for mail: its newest tickets, subjects only.
    const waiting = new Set([...pending].map((item) => item.tenant));
    for (const tenant of waiting) {
      const subjects = new Set((await tenant.desk.tickets('pageSize=100')).map((ticket) => ticket.subject));
      const seenAt = Date.now();
      for (const item of pending) {
        if (item.tenant === tenant && subjects.has(item.subject)) {
          latencies.push(seenAt - item.appendedAt);
          pending.delete(item);
        }
      }
    }
    await sleep(25);
  }
  await sending;
  if (pending.size > 0) process.stdout.write(`${label}: ${pending.size} messages never showed up\n`);
  return latencies.sort((a, b) => a - b);
}

function row(label: string, latencies: number[]): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`.padStart(9);
  return `${label.padEnd(34)} ${String(latencies.length).padStart(5)} ${s(percentile(latencies, 50))} ${s(percentile(latencies, 95))} ${s(latencies[latencies.length - 1])}`;
}

async function main(): Promise<void> {
  const dovecot = await startDovecot();
  const testApp = await startTestApp({
    MAIL_ALLOW_PRIVATE_HOSTS: 'true',
    SYNC_MIN_INTERVAL_SECONDS: '1',
    PUSH_ENABLED: 'true',
  });
  try {
    const tenants = await setUp(dovecot, testApp);
    await eventually(
      async () => (await Promise.all(tenants.map(({ desk }) => pushOf(desk)))).every((p) => p.state === 'idle'),
      60_000,
      250,
    );
    process.stdout.write(
      `${ORGANIZATIONS} organizations, ${MESSAGES} messages each way over ${WINDOW_MS / 1000} s, interval ${INTERVAL_SECONDS} s; ` +
        `targets with push on: p50 ≤ 0.5 s, p95 ≤ 2 s\n`,
    );
    const pushed = await measure(dovecot, tenants, 'push');
    for (const { desk } of tenants) await setPush(desk, false);
    await eventually(async () => (await dovecot.sessions()).size === 0, 30_000, 250);
    const polled = await measure(dovecot, tenants, 'interval');
    process.stdout.write(`${'mail → ticket visible in the API'.padEnd(34)} count       p50       p95       max\n`);
    process.stdout.write(`${row('push on (IMAP IDLE)', pushed)}\n`);
    process.stdout.write(`${row(`push off (interval ${INTERVAL_SECONDS} s)`, polled)}\n`);
  } finally {
    await testApp.close();
    await dovecot.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
