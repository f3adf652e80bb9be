import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bigHeader, manyParts, withAttachment } from './support/poison-mail';
import { collectBytes } from './support/response-bytes';
import { MAILBOX_PASSWORD, withoutMessageId, type SupportDesk } from './support/support-desk';
import { syncFixture } from './support/sync-fixture';

const MAX_MESSAGE_BYTES = 2 * 1024 * 1024;
const SYNC_ENV = {
  MAIL_ALLOW_PRIVATE_HOSTS: 'true',
  // A server that went away must fail the run in seconds, not in the default 15 s per step.
  MAIL_CONNECT_TIMEOUT_MS: '2000',
  SYNC_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES),
  // Pages of 50: a run of a few hundred messages spans several, so the server can go away between them
  // (a page already on its way sits in the client's buffers and is ingested whatever happens).
  SYNC_BATCH_SIZE: '50',
};
const CAROL = 'Carol Customer <carol@customer.test>';

/**
 * Sync never stalls: a message that cannot be processed goes to the failures list (with its bytes, to
 * inspect, retry or dismiss) and the rest of the mailbox ingests; a mailbox that goes away mid-run ends
 * the run with a classified error and the next run resumes where it stopped.
 */
describe('sync ingestion: failures, oversized mail, and a mailbox that goes away', () => {
  const mail = syncFixture(SYNC_ENV);

  const open = () => mail.desk();
  const api = (support: SupportDesk) => {
    const auth = { Authorization: `Bearer ${support.desk.tenant.admin.token}` };
    return {
      raw: (id: string) =>
        mail.testApp
          .http()
          .get(`/api/v1/sync/failures/${id}/raw`)
          .set(auth)
          .buffer(true)
          .parse(collectBytes)
          .expect(200),
      retry: (id: string) =>
        mail.testApp.http().post(`/api/v1/sync/failures/${id}/retry`).set(auth).send({}).expect(200),
      dismiss: (id: string) => mail.testApp.http().delete(`/api/v1/sync/failures/${id}`).set(auth).expect(204),
    };
  };

  it('sends unparseable mail to the failures list with its bytes; later mail still ingests; nothing is retried', async () => {
    const support = await open();
    // A header block over 1 MB (SYNC_MAX_HEADER_BYTES' default) and more than 1000 MIME parts
    // (SYNC_MAX_MIME_PARTS' default; a classic parser bomb): both quarantined.
    const hugeHeader = bigHeader(support.address, 15_000, 'Huge header');
    const bomb = manyParts(support.address, 1100, 'Part bomb');
    const [, hugeUid, , bombUid] = await support.deliver(
      { from: CAROL, subject: 'Before' },
      hugeHeader,
      { from: CAROL, subject: 'Between' },
      bomb,
      { from: CAROL, subject: 'After' },
    );
    const run = await support.desk.syncNow();
    expect(run).toMatchObject({ status: 'succeeded', error: null, fetched: 5, tickets: 3, failed: 2 });
    expect((await support.desk.tickets()).map((ticket) => ticket.subject).sort()).toEqual([
      'After',
      'Before',
      'Between',
    ]);

    const failures = await support.desk.failures();
    expect(
      failures.map(({ uid, errorClass, reason, status, attempts }: Record<string, unknown>) => ({
        uid,
        errorClass,
        reason,
        status,
        attempts,
      })),
    ).toEqual(
      expect.arrayContaining([
        {
          uid: hugeUid,
          errorClass: 'over-limit',
          reason: expect.stringMatching(/^over-limit header-size: a header block is over 1048576 bytes/),
          status: 'open',
          attempts: 1,
        },
        {
          uid: bombUid,
          errorClass: 'over-limit',
          reason: expect.stringMatching(/^over-limit mime-parts: more than 1000 MIME parts/),
          status: 'open',
          attempts: 1,
        },
      ]),
    );
    expect(failures).toHaveLength(2);
    const byUid = new Map<number, string>(
      failures.map((failure: { uid: number; id: string }) => [failure.uid, failure.id]),
    );
    const raw = await api(support).raw(byUid.get(hugeUid)!);
    expect(raw.headers['content-type']).toMatch(/^message\/rfc822/);
    expect(Buffer.compare(raw.body as Buffer, Buffer.from(hugeHeader))).toBe(0);
    expect(Buffer.compare((await api(support).raw(byUid.get(bombUid)!)).body as Buffer, Buffer.from(bomb))).toBe(0);

    // The watermark moved past them: the next run fetches nothing, and nothing failed twice.
    const next = await support.desk.syncNow();
    expect(next).toMatchObject({ status: 'succeeded', fetched: 0, failed: 0 });
    expect((await support.desk.failures()).map((failure: { attempts: number }) => failure.attempts)).toEqual([1, 1]);

    // Dismissed: gone from the open list, kept in the dismissed one.
    await api(support).dismiss(byUid.get(bombUid)!);
    expect((await support.desk.failures()).map((failure: { uid: number }) => failure.uid)).toEqual([hugeUid]);
    expect((await support.desk.failures('dismissed')).map((failure: { uid: number }) => failure.uid)).toEqual([
      bombUid,
    ]);
    expect((await support.desk.status()).totals).toMatchObject({ tickets: 3, failed: 2 });
  });

  it('retries a message that failed because storage was broken, once storage works again', async () => {
    const support = await open();
    const attachments = join(mail.testApp.config.dataDir, 'attachments');
    const log = randomBytes(4096);
    const away = `${attachments}.away`;
    // A file where the storage directory should be (root ignores permissions, so no chmod).
    renameSync(attachments, away);
    writeFileSync(attachments, 'not a directory');
    let failureId: string;
    try {
      await support.deliver(withAttachment(support.address, 'While storage was broken', log));
      const run = await support.desk.syncNow();
      expect(run).toMatchObject({ status: 'succeeded', fetched: 1, tickets: 0, failed: 1 });
      const [failure] = await support.desk.failures();
      expect(failure).toMatchObject({
        errorClass: 'storage',
        status: 'open',
        reason: expect.stringMatching(/^File storage/),
      });
      failureId = failure.id;
      // Still broken: the retry fails, says why, and counts the attempt.
      const again = await api(support).retry(failureId);
      expect(again.body).toMatchObject({ ok: false, outcome: null, reason: expect.stringMatching(/^File storage/) });
      expect((await support.desk.failures())[0]).toMatchObject({ id: failureId, attempts: 2, status: 'open' });
    } finally {
      rmSync(attachments, { force: true });
      renameSync(away, attachments);
    }
    mkdirSync(attachments, { recursive: true });
    const retried = await api(support).retry(failureId);
    expect(retried.body).toMatchObject({ ok: true, outcome: 'ticket', ticketId: expect.any(String) });
    expect(await support.desk.failures()).toEqual([]);
    expect(
      (await support.desk.failures('resolved')).map((failure: { id: string; ticketId: string }) => failure),
    ).toEqual([expect.objectContaining({ id: failureId, ticketId: retried.body.ticketId })]);
    const ticket = await support.desk.ticket(retried.body.ticketId);
    expect(ticket).toMatchObject({ subject: 'While storage was broken', requester: { email: 'carol@customer.test' } });
    expect(ticket.comments.map((comment) => comment.body)).toEqual(['The log file is attached.']);
    const [attachment] = ticket.comments[0].attachments;
    expect(attachment).toMatchObject({ filename: 'printer.log', size: 4096 });
    expect(Buffer.compare(await support.desk.attachmentBytes(ticket.id, attachment.id), log)).toBe(0);
    // A second retry of the resolved failure changes nothing.
    await api(support).retry(failureId);
    expect(await support.desk.ticketCount()).toBe(1);
  });

  it('makes a ticket from the headers of a message over the size limit, says so, and lists it for the admin', async () => {
    const support = await open();
    const big = withAttachment(support.address, 'Huge log attached', MAX_MESSAGE_BYTES + 512 * 1024);
    const [bigUid] = await support.deliver(big, { from: CAROL, subject: 'Small one after it' });
    const run = await support.desk.syncNow();
    expect(run).toMatchObject({ status: 'succeeded', error: null, fetched: 2, tickets: 2 });
    const ticket = await support.desk.ticketBySubject('Huge log attached');
    expect(ticket.requester).toEqual({ email: 'carol@customer.test', name: 'Carol Customer' });
    expect(ticket.comments).toHaveLength(1);
    expect(ticket.comments[0].body).toMatch(/not downloaded: it is \d+\.\d MB, over the 2\.0 MB limit/);
    const [failure] = await support.desk.failures();
    expect(failure).toMatchObject({
      uid: bigUid,
      errorClass: 'too-large',
      size: expect.any(Number),
      ticketId: ticket.id,
    });
    expect(failure.size).toBeGreaterThan(MAX_MESSAGE_BYTES);
    expect(await support.desk.ticketCount()).toBe(2);
    // Retrying it (the list offers retry for every failure) does not make a second ticket, with or
    // without a Message-ID.
    await api(support).retry(failure.id);
    expect(await support.desk.ticketCount()).toBe(2);
    const [noIdUid] = await support.deliver(
      withoutMessageId(withAttachment(support.address, 'Huge and anonymous', MAX_MESSAGE_BYTES + 1024)),
    );
    await support.desk.syncNow();
    const anonymous = (await support.desk.failures()).find((open: { uid: number }) => open.uid === noIdUid);
    await api(support).retry(anonymous.id);
    expect((await support.desk.tickets()).map((item) => item.subject).sort()).toEqual([
      'Huge and anonymous',
      'Huge log attached',
      'Small one after it',
    ]);
    const [note] = (await support.desk.ticketBySubject('Huge and anonymous')).comments;
    expect(note.body).toMatch(/^\[The body of this message was not downloaded/);
  });

  it('ends a run with a network error when the IMAP server goes away mid-run, backs off, then resumes exactly once', async () => {
    const support = await open();
    // Three pages: the run is still downloading when the server goes away, however quickly a page goes.
    const count = 600;
    await support.deliver(...Array.from({ length: count }, (_, i) => ({ from: CAROL, subject: `Bulk ${i}` })));
    const running = (await support.desk.syncNowUnderway(20)).finished;
    await mail.dovecot.stop();
    try {
      const failed = (await running).body.run;
      // Whole objects, so a failure shows the run's error message too.
      expect(failed).toMatchObject({ status: 'failed', error: { class: 'network' } });
      expect(failed.fetched).toBeLessThan(count);
      const status = await support.desk.status();
      expect(status).toMatchObject({ state: 'running', consecutiveFailures: 1, lastError: { class: 'network' } });
      const backoff = (s: { nextRunAt: string; lastRunAt: string }) =>
        (Date.parse(s.nextRunAt) - Date.parse(s.lastRunAt)) / 1000;
      expect(backoff(status)).toBe(300);
      // Still down at the next attempt: the wait doubles.
      const second = await support.desk.syncNow();
      expect(second).toMatchObject({ status: 'failed', fetched: 0, error: { class: 'network' } });
      const after = await support.desk.status();
      expect(after.consecutiveFailures).toBe(2);
      expect(backoff(after)).toBe(600);
    } finally {
      await mail.dovecot.start();
    }
    const resumed = await support.desk.syncNow();
    expect(resumed).toMatchObject({ status: 'succeeded', failed: 0 });
    expect(await support.desk.ticketCount()).toBe(count);
    expect(new Set(await support.desk.allSubjects()).size).toBe(count);
    const status = await support.desk.status();
    expect(status).toMatchObject({ consecutiveFailures: 0, nextRunAt: expect.any(String) });
    expect(status.totals.tickets).toBe(count);
  });

  it('ends a run within the step timeout when the IMAP server hangs mid-run, then resumes once it answers', async () => {
    const support = await open();
    // Three pages: the run is still downloading when the server freezes, however quickly a page goes.
    const count = 600;
    await support.deliver(...Array.from({ length: count }, (_, i) => ({ from: CAROL, subject: `Hung ${i}` })));
    const running = (await support.desk.syncNowUnderway(20)).finished;
    const frozenAt = Date.now();
    mail.dovecot.freeze();
    try {
      const failed = (await running).body.run;
      // One step timeout (2 s) to notice, plus closing the dead session: not a hang.
      expect(Date.now() - frozenAt).toBeLessThan(10_000);
      expect(failed).toMatchObject({ status: 'failed', error: { class: 'network' } });
      expect(failed.error?.message).toMatch(/took longer than 2000 ms/);
      expect(failed.fetched).toBeLessThan(count);
      expect(await support.desk.status()).toMatchObject({ syncing: false, consecutiveFailures: 1 });
    } finally {
      mail.dovecot.thaw();
    }
    const resumed = await support.desk.syncNow();
    expect(resumed).toMatchObject({ status: 'succeeded', failed: 0 });
    expect(await support.desk.ticketCount()).toBe(count);
  });

  it('ends a run with an auth error when the mailbox password was changed at the provider', async () => {
    const support = await open();
    await mail.dovecot.addUser(support.user, 'changed-by-the-provider');
    try {
      const run = await support.desk.syncNow();
      expect(run).toMatchObject({ status: 'failed', error: { class: 'auth' } });
      expect(await support.desk.status()).toMatchObject({ consecutiveFailures: 1, lastError: { class: 'auth' } });
    } finally {
      await mail.dovecot.addUser(support.user, MAILBOX_PASSWORD);
    }
  });
});
