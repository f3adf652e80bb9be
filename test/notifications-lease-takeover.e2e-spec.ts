import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMailSystem, type MailSystem } from './harness/mail-system';
import { eventually } from './support/messages';
import { notifications, openNotifyingDesk, settle, type NotifyingDesk } from './support/notification-desk';
import { serviceEnv, startService, type SpawnedApp } from './support/spawn-app';
import type { TestApp } from './support/test-app';
import { createTestDatabase, usingPostgres, type TestDatabase } from './support/test-database';

const LEASE_SECONDS = 3;

describe('notification claims are short leases renewed while sending', () => {
  let mail: MailSystem;
  let dataDir: string;
  let database: TestDatabase;
  let env: Record<string, string | undefined>;
  const running: { service: SpawnedApp; api: TestApp }[] = [];

  beforeEach(async () => {
    mail = await startMailSystem();
    dataDir = mkdtempSync(join(tmpdir(), 'hd-lease-'));
    database = await createTestDatabase();
    env = serviceEnv(dataDir, database.url, {
      MAIL_ALLOW_PRIVATE_HOSTS: 'true',
      // A stuck send must not give up on its own during the test: only the kill ends it.
      MAIL_CONNECT_TIMEOUT_MS: '120000',
      NOTIFY_POLL_INTERVAL_MS: '100',
      NOTIFY_RETRY_BASE_MS: '200',
      NOTIFY_RETRY_MAX_MS: '1000',
      NOTIFY_LEASE_SECONDS: String(LEASE_SECONDS),
      JWT_SECRET: randomBytes(32).toString('hex'),
      MESSAGE_ID_SECRET: randomBytes(32).toString('hex'),
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
  });
  afterEach(async () => {
    for (const { service } of running.splice(0)) await service.kill('SIGKILL');
    await mail.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function service(): Promise<TestApp> {
    const { service: spawned, api } = await startService(env);
    // The desk helpers only call http().
    const started = { service: spawned, api: api as unknown as TestApp };
    running.push(started);
    return started.api;
  }

  /** How many times the server accepted the message with this Message-ID. */
  const accepted = (messageId: string) => {
    const header = new RegExp(`^Message-ID:\\s+${messageId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'mi');
    return mail.smtp.messages.filter((m) => header.test(m.raw.toString())).length;
  };

  async function ticketFor(api: TestApp, support: NotifyingDesk): Promise<string> {
    const response = await api
      .http()
      .post('/api/v1/tickets')
      .auth(support.agent.token, { type: 'bearer' })
      .send({ subject: 'Printer on fire', body: 'Opened for you.', requesterEmail: `c-${randomUUID()}@customer.test` })
      .expect(201);
    return response.body.id as string;
  }

  it('a SIGKILLed instance stuck mid-send: its mail goes out from the next one once the lease lapses, once', async () => {
    const first = await service();
    const support = await openNotifyingDesk(first, mail, { start: false });
    mail.smtp.hold = true;
    const ticketId = await ticketFor(first, support);
    const rows = await eventually(async () => {
      const queued = await notifications(first, support, `?ticketId=${ticketId}`);
      return queued.length > 0 && mail.smtp.held.length === queued.length ? queued : null;
    });

    if (usingPostgres()) {
      // A second instance alongside: while the first is alive its claims are renewed, however long the
      // send takes, so nothing is taken over and sent twice.
      await service();
      await settle(LEASE_SECONDS * 2 * 1000 + 500);
      expect(mail.smtp.held.length).toBe(rows.length);
    }

    expect(await running[0].service.kill('SIGKILL')).toBeNull();
    mail.smtp.hold = false;
    // The held sends never get their answer: the process that waited for it is gone.
    const live = usingPostgres() ? running[1].api : await service();
    const sent = await eventually(async () => {
      const all = await notifications(live, support, `?ticketId=${ticketId}`);
      return all.length === rows.length && all.every((row) => row.status === 'sent') ? all : null;
    });
    for (const row of sent) {
      expect(accepted(row.messageId)).toBe(1);
      // The Message-ID customers see names no internal identifier.
      expect(row.messageId).not.toContain(ticketId);
      expect(row.messageId).not.toContain(support.desk.tenant.organizationId);
    }
  });
});
