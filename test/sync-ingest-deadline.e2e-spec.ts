import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDovecot, type DovecotServer } from './harness/dovecot';
import { makeMessage } from './support/messages';
import { collectBytes } from './support/response-bytes';
import { SPIN_HEADER } from './support/spin-hook';
import { openSupportDesk, type SupportDesk } from './support/support-desk';
import { startTestApp, type TestApp } from './support/test-app';

const DEADLINE_MS = 2000;
const SYNC_ENV = {
  MAIL_ALLOW_PRIVATE_HOSTS: 'true',
  SYNC_MESSAGE_DEADLINE_MS: String(DEADLINE_MS),
  // One worker: the message after the hostile one can only ingest on the worker that replaced it.
  SYNC_PARSE_WORKERS: '1',
  // Messages over 64 KB are streamed through storage: they are under the deadline too.
  SYNC_STREAM_MESSAGE_BYTES: String(64 * 1024),
  // TEST-ONLY hook (refused by the config outside NODE_ENV=test): a message with X-Test-Spin spins its
  // worker for ever. A deterministic stand-in for the slow inputs of issue #25, which are being made linear.
  SYNC_TEST_WORKER_HOOK: join(__dirname, 'support', 'spin-hook.js'),
};

interface Probe {
  startedAt: number;
  endedAt: number;
}

/**
 * A message whose processing never ends in one tenant's mailbox: it is quarantined on its deadline
 * (`processing-timeout`, raw kept), its worker is replaced and the rest of the mailbox ingests, another
 * tenant's API keeps answering meanwhile, and a retry once the cause is gone makes its ticket.
 */
describe('sync ingestion: a per-message deadline', () => {
  let dovecot: DovecotServer;
  let testApp: TestApp;
  let scratch: string;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'hd-spin-'));
    [dovecot, testApp] = await Promise.all([startDovecot(), startTestApp(SYNC_ENV)]);
  });
  afterAll(async () => {
    await testApp?.close();
    await dovecot?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** Asks the other tenant's API, one request after another, until `until` settles. */
  async function probeUntil(other: SupportDesk, until: Promise<unknown>): Promise<Probe[]> {
    let done = false;
    void until.finally(() => (done = true));
    const probes: Probe[] = [];
    const auth = { Authorization: `Bearer ${other.desk.tenant.admin.token}` };
    while (!done) {
      const startedAt = Date.now();
      await testApp.http().get('/api/v1/tickets').set(auth).expect(200);
      probes.push({ startedAt, endedAt: Date.now() });
    }
    return probes;
  }

  it('quarantines a message over its deadline while other tenants are served, and goes on with the next', async () => {
    const [hostile, other] = await Promise.all([openSupportDesk(testApp, dovecot), openSupportDesk(testApp, dovecot)]);
    const spin = join(scratch, 'spin-1');
    writeFileSync(spin, '');
    const stuck = makeMessage({ to: hostile.address, subject: 'Never ends', headers: { [SPIN_HEADER]: spin } });
    const [, stuckUid] = await hostile.deliver({ subject: 'Before it' }, stuck, { subject: 'After it' });

    const running = hostile.desk.syncNow();
    const probes = await probeUntil(other, running);
    const run = await running;
    const runEndedAt = Date.now();

    expect(run).toMatchObject({ status: 'succeeded', error: null, fetched: 3, tickets: 2, failed: 1 });
    // The worker after the one stopped on the deadline ingested the next message.
    expect((await hostile.desk.tickets()).map((ticket) => ticket.subject).sort()).toEqual(['After it', 'Before it']);
    const [failure] = await hostile.desk.failures();
    expect(failure).toMatchObject({
      uid: stuckUid,
      errorClass: 'processing-timeout',
      reason: expect.stringContaining(`still running after ${DEADLINE_MS} ms`),
      status: 'open',
    });
    const auth = { Authorization: `Bearer ${hostile.desk.tenant.admin.token}` };
    const raw = await testApp
      .http()
      .get(`/api/v1/sync/failures/${failure.id}/raw`)
      .set(auth)
      .buffer(true)
      .parse(collectBytes)
      .expect(200);
    expect(Buffer.compare(raw.body as Buffer, Buffer.from(stuck))).toBe(0);

    // The worker did spin, and the other tenant's requests were answered while it did: had the message
    // been processed on the main thread, none could have started and finished in that window.
    const spunAt = statSync(`${spin}.started`).mtimeMs;
    const answeredMeanwhile = probes.filter((probe) => probe.startedAt >= spunAt && probe.endedAt <= runEndedAt);
    expect(answeredMeanwhile.length).toBeGreaterThanOrEqual(3);
    expect((await other.desk.failures()).length).toBe(0);

    // The cause gone, a retry processes it (on a worker, under the same deadline) and resolves it.
    rmSync(spin);
    const retried = await testApp
      .http()
      .post(`/api/v1/sync/failures/${failure.id}/retry`)
      .set(auth)
      .send({})
      .expect(200);
    expect(retried.body).toMatchObject({ ok: true, outcome: 'ticket', ticketId: expect.any(String) });
    expect(await hostile.desk.failures()).toEqual([]);
    expect((await hostile.desk.tickets()).map((ticket) => ticket.subject).sort()).toEqual([
      'After it',
      'Before it',
      'Never ends',
    ]);
  });

  it('retries a message that still outlives its deadline as one more failed attempt, not a stall', async () => {
    const hostile = await openSupportDesk(testApp, dovecot);
    const spin = join(scratch, 'spin-2');
    writeFileSync(spin, '');
    await hostile.deliver(
      makeMessage({ to: hostile.address, subject: 'Still stuck', headers: { [SPIN_HEADER]: spin } }),
    );
    expect(await hostile.desk.syncNow()).toMatchObject({ status: 'succeeded', fetched: 1, failed: 1 });
    const [failure] = await hostile.desk.failures();
    const auth = { Authorization: `Bearer ${hostile.desk.tenant.admin.token}` };
    const again = await testApp.http().post(`/api/v1/sync/failures/${failure.id}/retry`).set(auth).send({}).expect(200);
    expect(again.body).toMatchObject({ ok: false, reason: expect.stringContaining('took too long') });
    expect((await hostile.desk.failures())[0]).toMatchObject({
      id: failure.id,
      attempts: 2,
      errorClass: 'processing-timeout',
    });
    expect(existsSync(`${spin}.started`)).toBe(true);
    // The pool is whole again: an ordinary message ingests.
    await hostile.deliver({ subject: 'Ordinary' });
    expect(await hostile.desk.syncNow()).toMatchObject({ status: 'succeeded', fetched: 1, tickets: 1, failed: 0 });
  });

  it('holds a streamed (large) message to the same deadline', async () => {
    const hostile = await openSupportDesk(testApp, dovecot);
    const spin = join(scratch, 'spin-3');
    writeFileSync(spin, '');
    const large = makeMessage({
      to: hostile.address,
      subject: 'Large and stuck',
      headers: { [SPIN_HEADER]: spin },
      body: 'A long log.\r\n'.repeat(8000),
    });
    expect(large.length).toBeGreaterThan(64 * 1024);
    const [stuckUid] = await hostile.deliver(large, { subject: 'Small after it' });
    expect(await hostile.desk.syncNow()).toMatchObject({ status: 'succeeded', fetched: 2, tickets: 1, failed: 1 });
    expect(existsSync(`${spin}.started`)).toBe(true);
    expect(await hostile.desk.failures()).toEqual([
      expect.objectContaining({ uid: stuckUid, errorClass: 'processing-timeout' }),
    ]);
    expect((await hostile.desk.tickets()).map((ticket) => ticket.subject)).toEqual(['Small after it']);
  });
});
