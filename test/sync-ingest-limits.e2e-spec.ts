import { createHash, randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startDovecot, type DovecotServer } from './harness/dovecot';
import { makeMessage, uniqueMessageId } from './support/messages';
import { bigHeader, manyParts, nestedMessage } from './support/poison-mail';
import { openSupportDesk } from './support/support-desk';
import { startTestApp, type TestApp } from './support/test-app';

const CAROL = 'Carol Customer <carol@customer.test>';

/** A multipart message: a text part, then each of `files` as an attachment; `messageId` fixed if given. */
function withAttachments(to: string, subject: string, files: Buffer[], messageId?: string): string {
  const boundary = `b-${randomBytes(4).toString('hex')}`;
  const parts = files.map((content, index) =>
    [
      `--${boundary}`,
      `Content-Type: application/octet-stream; name="file-${index}.bin"`,
      `Content-Disposition: attachment; filename="file-${index}.bin"`,
      'Content-Transfer-Encoding: base64',
      '',
      content.toString('base64').replace(/.{76}/g, '$&\r\n'),
    ].join('\r\n'),
  );
  return makeMessage({ from: CAROL, to, subject, messageId })
    .replace('Content-Type: text/plain; charset=utf-8', `Content-Type: multipart/mixed; boundary="${boundary}"`)
    .replace('Content-Transfer-Encoding: 8bit\r\n', '')
    .replace(
      'It is on fire. Please help.',
      [
        `--${boundary}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Files attached.',
        ...parts,
        `--${boundary}--`,
      ].join('\r\n'),
    );
}

function storedPath(dataDir: string, content: Buffer): string {
  const key = createHash('sha256').update(content).digest('hex');
  return join(dataDir, 'attachments', key.slice(0, 2), key.slice(2, 4), key);
}

describe('sync ingestion: limits per message and storage per organization', () => {
  let dovecot: DovecotServer;

  beforeAll(async () => {
    dovecot = await startDovecot();
  });
  afterAll(async () => {
    await dovecot?.close();
  });

  describe('caps on one message', () => {
    let testApp: TestApp;
    beforeAll(async () => {
      testApp = await startTestApp({
        MAIL_ALLOW_PRIVATE_HOSTS: 'true',
        SYNC_MAX_HEADER_BYTES: '16384',
        SYNC_MAX_MIME_DEPTH: '3',
        SYNC_MAX_MIME_PARTS: '20',
        SYNC_MAX_ATTACHMENTS: '2',
      });
    });
    afterAll(async () => {
      await testApp?.close();
    });

    it('quarantines a message over each cap with the limit it broke; mail within them ingests', async () => {
      const support = await openSupportDesk(testApp, dovecot);
      const to = support.address;
      const file = () => randomBytes(512);
      const uids = await support.deliver(
        bigHeader(to, 300),
        nestedMessage(to, 5),
        manyParts(to, 30),
        withAttachments(to, 'Three files', [file(), file(), file()]),
        withAttachments(to, 'Two files', [file(), file()]),
        nestedMessage(to, 2),
      );
      const run = await support.desk.syncNow();
      expect(run).toMatchObject({ status: 'succeeded', fetched: 6, tickets: 2, failed: 4 });
      const failures = (await support.desk.failures()) as { uid: number; errorClass: string; reason: string }[];
      const byUid = Object.fromEntries(failures.map(({ uid, errorClass, reason }) => [uid, { errorClass, reason }]));
      expect(byUid).toEqual({
        [uids[0]]: {
          errorClass: 'over-limit',
          reason: expect.stringMatching(/^over-limit header-size: .*16384 bytes/),
        },
        [uids[1]]: { errorClass: 'over-limit', reason: expect.stringMatching(/^over-limit mime-depth: .*3 deep/) },
        [uids[2]]: {
          errorClass: 'over-limit',
          reason: expect.stringMatching(/^over-limit mime-parts: .*20 MIME parts/),
        },
        [uids[3]]: { errorClass: 'over-limit', reason: 'over-limit attachments: 3 attachments, over the limit of 2' },
      });
      expect((await support.desk.tickets()).map((ticket) => ticket.subject).sort()).toEqual([
        'Deeply nested',
        'Two files',
      ]);
    });
  });

  describe('duplicates', () => {
    let testApp: TestApp;
    beforeAll(async () => {
      // Messages over 64 KB are streamed: their attachments go to storage as they are parsed.
      testApp = await startTestApp({ MAIL_ALLOW_PRIVATE_HOSTS: 'true', SYNC_STREAM_MESSAGE_BYTES: '65536' });
    });
    afterAll(async () => {
      await testApp?.close();
    });

    it('stores nothing of a duplicate message, in memory or streamed', async () => {
      const support = await openSupportDesk(testApp, dovecot);
      const small = { id: uniqueMessageId(), first: randomBytes(2000) };
      const large = { id: uniqueMessageId(), first: randomBytes(20_000) };
      // The large pair is over 64 KB with its second attachment: streamed.
      const padding = randomBytes(40_000);
      const messages = [
        withAttachments(support.address, 'Small', [small.first], small.id),
        withAttachments(support.address, 'Large', [large.first, padding], large.id),
      ];
      await support.deliver(...messages);
      expect(await support.desk.syncNow()).toMatchObject({ status: 'succeeded', fetched: 2, tickets: 2 });
      expect(existsSync(storedPath(testApp.config.dataDir, small.first))).toBe(true);
      expect(existsSync(storedPath(testApp.config.dataDir, large.first))).toBe(true);

      // The same messages again: the small one by another route (one more Received line), the large one
      // as it was (a streamed message is known by its header block and its bytes). Copies, so nothing of
      // them is stored: the first files are removed, so that storing them again would show.
      rmSync(storedPath(testApp.config.dataDir, small.first));
      rmSync(storedPath(testApp.config.dataDir, large.first));
      await support.deliver(
        `Received: from relay.customer.test; ${new Date().toUTCString()}\r\n${messages[0]}`,
        messages[1],
      );
      expect(await support.desk.syncNow()).toMatchObject({
        status: 'succeeded',
        fetched: 2,
        tickets: 0,
        ignored: 2,
        failed: 0,
      });
      expect(existsSync(storedPath(testApp.config.dataDir, small.first))).toBe(false);
      expect(existsSync(storedPath(testApp.config.dataDir, large.first))).toBe(false);
      expect(await support.desk.ticketCount()).toBe(2);
    });
  });

  describe('storage quota', () => {
    let testApp: TestApp;
    const env = { MAIL_ALLOW_PRIVATE_HOSTS: 'true', STORAGE_QUOTA_BYTES: '60000' };
    beforeAll(async () => {
      testApp = await startTestApp(env);
    });
    afterAll(async () => {
      await testApp?.close();
    });

    it('quarantines mail past the organization quota as storage-quota, and a retry after raising it ingests', async () => {
      const support = await openSupportDesk(testApp, dovecot);
      const other = await openSupportDesk(testApp, dovecot);
      const big = randomBytes(30_000);
      const [, bigUid] = await support.deliver(
        withAttachments(support.address, 'Fits', [randomBytes(2000)]),
        withAttachments(support.address, 'Does not fit', [big]),
      );
      expect(await support.desk.syncNow()).toMatchObject({ status: 'succeeded', fetched: 2, tickets: 1, failed: 1 });
      const [failure] = await support.desk.failures();
      expect(failure).toMatchObject({
        uid: bigUid,
        errorClass: 'storage-quota',
        reason: expect.stringMatching(/^Storage quota reached: .* of its 60000 bytes .* Raise STORAGE_QUOTA_BYTES/),
      });
      expect(existsSync(storedPath(testApp.config.dataDir, big))).toBe(false);
      // The quota is per organization: another one still stores its mail.
      await other.deliver(withAttachments(other.address, 'Elsewhere', [randomBytes(2000)]));
      expect(await other.desk.syncNow()).toMatchObject({ status: 'succeeded', tickets: 1, failed: 0 });

      testApp = await testApp.restart({ ...env, STORAGE_QUOTA_BYTES: '10000000' });
      const auth = { Authorization: `Bearer ${support.desk.tenant.admin.token}` };
      const retried = await testApp
        .http()
        .post(`/api/v1/sync/failures/${failure.id}/retry`)
        .set(auth)
        .send({})
        .expect(200);
      expect(retried.body).toMatchObject({ ok: true, outcome: 'ticket' });
      expect(existsSync(storedPath(testApp.config.dataDir, big))).toBe(true);
    });
  });
});
