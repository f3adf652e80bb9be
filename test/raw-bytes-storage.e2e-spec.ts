import { DataSource } from 'typeorm';
import { IngestedMessage } from '../src/sync/ingested-message.entity';
import { IngestedMessagesRepository } from '../src/sync/ingested-messages.repository';
import { SyncFailure } from '../src/sync/sync-failure.entity';
import { SyncFailuresRepository } from '../src/sync/sync-failures.repository';
import { ignoredLedgerRow } from './support/ledger-rows';
import { undoThrough } from './support/migrations';
import { collectBytes } from './support/response-bytes';
import { usingPostgres } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';
import { createTenant, TestTenant } from './support/tenants';

/** Every byte value, NUL and high bytes included, as no text column could hold them. */
const EVERY_BYTE = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
const MESSAGE = Buffer.concat([Buffer.from('Subject: bytes\r\n\r\n'), EVERY_BYTE]);
/** Text that compresses well, long enough that PostgreSQL would compress it if allowed. */
const COMPRESSIBLE = Buffer.from(`Subject: long\r\n\r\n${'All work and no play. '.repeat(1000)}`);

/** The ledger and the failures list keep raw messages as bytes, exactly, on either database. */
describe('raw message storage', () => {
  let testApp: TestApp;
  let tenant: TestTenant;
  let dataSource: DataSource;

  const ledgerRow = (messageKey: string, raw: Buffer | null) =>
    ignoredLedgerRow(messageKey, { rawKey: raw ? null : 'stored-elsewhere', raw });
  const ledgerRaw = async (messageKey: string) =>
    (
      await dataSource
        .getRepository(IngestedMessage)
        .findOneByOrFail({ organizationId: tenant.organizationId, messageKey })
    ).raw;
  const failureRaw = async (id: string): Promise<Buffer> =>
    (
      await testApp
        .http()
        .get(`/api/v1/sync/failures/${id}/raw`)
        .auth(tenant.admin.token, { type: 'bearer' })
        .buffer(true)
        .parse(collectBytes)
        .expect(200)
    ).body as Buffer;

  beforeAll(async () => {
    testApp = await startTestApp();
    tenant = await createTenant(testApp);
    dataSource = testApp.app.get(DataSource);
    // One statement: bytes, none (stored elsewhere), empty, then more bytes after those.
    await dataSource.transaction((manager) =>
      testApp.app
        .get(IngestedMessagesRepository)
        .insertMany(
          tenant.organizationId,
          [
            ledgerRow('mid:bytes@test', MESSAGE),
            ledgerRow('mid:elsewhere@test', null),
            ledgerRow('mid:empty@test', Buffer.alloc(0)),
            ledgerRow('mid:compressible@test', COMPRESSIBLE),
          ],
          manager,
        ),
    );
    await testApp.app.get(SyncFailuresRepository).record(tenant.organizationId, {
      folder: 'INBOX',
      uidValidity: '7',
      uid: 2,
      runId: null,
      errorClass: 'parse',
      reason: 'test',
      size: EVERY_BYTE.length,
      raw: EVERY_BYTE,
    });
  });
  afterAll(() => testApp.close());

  const failureId = async () =>
    (await dataSource.getRepository(SyncFailure).findOneByOrFail({ organizationId: tenant.organizationId })).id;

  it('gives back exactly the bytes it was given, from the ledger and from the failures list', async () => {
    expect(await ledgerRaw('mid:bytes@test')).toEqual(MESSAGE);
    expect(await ledgerRaw('mid:elsewhere@test')).toBeNull();
    expect(await ledgerRaw('mid:empty@test')).toEqual(Buffer.alloc(0));
    expect(await ledgerRaw('mid:compressible@test')).toEqual(COMPRESSIBLE);
    expect(await failureRaw(await failureId())).toEqual(EVERY_BYTE);
  });

  it('reads no raw bytes to list the failures', async () => {
    const listed = await testApp.app.get(SyncFailuresRepository).list(tenant.organizationId, 'open', 10);
    expect(listed.map((failure) => failure.uid)).toEqual([2]);
    expect((listed[0] as { raw?: Buffer }).raw).toBeUndefined();
  });

  it('converts what was stored as base64 before, both ways, and loses nothing', async () => {
    await undoThrough(dataSource, 'RawBytesBinary1764000008000');
    const [{ text }] = await dataSource.query<{ text: string }[]>(
      `SELECT raw_base64 AS text FROM sync_failures WHERE organization_id = ${usingPostgres() ? '$1' : '?'}`,
      [tenant.organizationId],
    );
    expect(text).toBe(EVERY_BYTE.toString('base64'));
    await dataSource.runMigrations({ transaction: 'each' });
    expect(await ledgerRaw('mid:bytes@test')).toEqual(MESSAGE);
    expect(await ledgerRaw('mid:elsewhere@test')).toBeNull();
    expect(await ledgerRaw('mid:empty@test')).toEqual(Buffer.alloc(0));
    expect(await ledgerRaw('mid:compressible@test')).toEqual(COMPRESSIBLE);
    expect(await failureRaw(await failureId())).toEqual(EVERY_BYTE);
  });

  // Mail hardly compresses once attachments are in it, and pglz trying cost more server CPU than the
  // rest of the insert (RawBytesUncompressed).
  (usingPostgres() ? it : it.skip)('keeps the bytes uncompressed on PostgreSQL, as the base64 before', async () => {
    const storageOf = async (table: string, column: string): Promise<string> => {
      const [row] = await dataSource.query<{ storage: string }[]>(
        `SELECT attstorage AS storage FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2`,
        [table, column],
      );
      return row.storage;
    };
    const compression = async (): Promise<string | null> => {
      const [row] = await dataSource.query<{ method: string | null }[]>(
        `SELECT pg_column_compression(raw) AS method FROM ingested_messages WHERE message_key = $1`,
        ['mid:compressible@test'],
      );
      return row.method;
    };
    expect(await storageOf('ingested_messages', 'raw')).toBe('e');
    expect(await storageOf('sync_failures', 'raw')).toBe('e');
    expect(await compression()).toBeNull();
    // Converted from base64 and back, the bytes are still stored as they are.
    await undoThrough(dataSource, 'RawBytesBinary1764000008000');
    await dataSource.runMigrations({ transaction: 'each' });
    expect(await compression()).toBeNull();
    await undoThrough(dataSource, 'RawBytesUncompressed1764000006000');
    expect(await storageOf('ingested_messages', 'raw_base64')).toBe('x');
    expect(await storageOf('sync_failures', 'raw_base64')).toBe('x');
    await dataSource.runMigrations({ transaction: 'each' });
    expect(await storageOf('ingested_messages', 'raw')).toBe('e');
    expect(await storageOf('sync_failures', 'raw')).toBe('e');
  });
});
