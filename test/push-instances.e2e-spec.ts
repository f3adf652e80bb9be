import { Client } from 'pg';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDovecot, type DovecotServer } from './harness/dovecot';
import { Helpdesk } from './support/helpdesk';
import { eventually } from './support/messages';
import { mailToTicket, pushOf } from './support/push';
import { serviceEnv, startService } from './support/spawn-app';
import { createTestDatabase, usingPostgres, type TestDatabase } from './support/test-database';
import { createTenant } from './support/tenants';

const ORGANIZATIONS = 10;

/** Which process holds each organization's push lease (the pid is part of the holder). */
async function pushHolders(url: string): Promise<Map<string, number>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ organization_id: string; holder: string; expires_at_ms: string }>(
      "SELECT organization_id, holder, expires_at_ms FROM leases WHERE purpose = 'push'",
    );
    const live = rows.filter((row) => Number(row.expires_at_ms) > Date.now());
    return new Map(live.map((row) => [row.organization_id, Number(row.holder.split(':')[1])]));
  } finally {
    await client.end();
  }
}

// One process owns an SQLite file; several instances are a PostgreSQL deployment.
(usingPostgres() ? describe : describe.skip)('push on two instances: one IDLE connection per mailbox', () => {
  let dovecot: DovecotServer;
  let dataDir: string;
  let database: TestDatabase;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    dovecot = await startDovecot();
    dataDir = mkdtempSync(join(tmpdir(), 'hd-push-'));
    database = await createTestDatabase();
    env = serviceEnv(dataDir, database.url, {
      MAIL_ALLOW_PRIVATE_HOSTS: 'true',
      // A killed instance's push leases expire after 3 s; the survivor looks every second.
      PUSH_LEASE_SECONDS: '3',
      PUSH_CLAIM_INTERVAL_SECONDS: '1',
      SYNC_LEASE_SECONDS: '3',
      JWT_SECRET: randomBytes(32).toString('hex'),
      MESSAGE_ID_SECRET: randomBytes(32).toString('hex'),
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
  });
  afterAll(async () => {
    await dovecot.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('each mailbox idles on exactly one instance; after a SIGKILL, on the other within the lease time', async () => {
    const a = await startService(env);
    const b = await startService(env);
    const desks: { desk: Helpdesk; user: string }[] = [];
    for (let i = 0; i < ORGANIZATIONS; i += 1) {
      const user = `multi${i}-${randomBytes(2).toString('hex')}`;
      await dovecot.addUser(user, 'mailbox-secret');
      // Half the organizations are started through each instance.
      const api = i % 2 === 0 ? a.api : b.api;
      const desk = new Helpdesk(api, await createTenant(api));
      await desk.connectIncoming(dovecot, user, 'mailbox-secret');
      await desk.start({ from: 'current-date' });
      desks.push({ desk, user });
    }
    const exactlyOneEach = async () => {
      const sessions = await dovecot.sessions();
      return desks.every(({ user }) => sessions.get(user) === 1);
    };
    // Shared out evenly, whichever instance the organizations were started through.
    const pidA = a.service.child.pid ?? -1;
    const pidB = b.service.child.pid ?? -1;
    const spread = await eventually(async () => {
      const holders = [...(await pushHolders(database.url ?? '')).values()];
      const onA = holders.filter((pid) => pid === pidA).length;
      const onB = holders.filter((pid) => pid === pidB).length;
      return onA === ORGANIZATIONS / 2 && onB === ORGANIZATIONS / 2 ? { onA, onB } : null;
    }, 30_000);
    process.stdout.write(`push: instance A holds ${spread.onA} and B ${spread.onB} of the IDLE connections\n`);
    await eventually(exactlyOneEach, 30_000);
    // Several claim rounds later, still one connection per mailbox, and the shares have not moved.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await exactlyOneEach()).toBe(true);
    expect([...(await pushHolders(database.url ?? '')).values()].filter((pid) => pid === pidA).length).toBe(
      ORGANIZATIONS / 2,
    );
    // Either instance reports every organization's state, whichever holds it.
    for (const { desk } of desks) expect((await pushOf(desk)).state).toBe('idle');
    for (const { desk } of desks) expect((await pushOf(new Helpdesk(b.api, desk.tenant))).state).toBe('idle');

    const [victim, survivor] = [a, b];
    const killedAt = Date.now();
    expect(await victim.service.kill('SIGKILL')).toBeNull();
    const survivorPid = survivor.service.child.pid;
    await eventually(async () => {
      const now = await pushHolders(database.url ?? '');
      return now.size === ORGANIZATIONS && [...now.values()].every((pid) => pid === survivorPid);
    }, 30_000);
    await eventually(exactlyOneEach, 30_000);
    process.stdout.write(
      `push: all ${ORGANIZATIONS} mailboxes idle on the survivor ${Date.now() - killedAt} ms after SIGKILL\n`,
    );
    for (const { desk, user } of desks) {
      const onSurvivor = new Helpdesk(survivor.api, desk.tenant);
      await mailToTicket(dovecot, user, onSurvivor, `After failover ${user}`);
    }
    await survivor.service.kill();
  });
});
