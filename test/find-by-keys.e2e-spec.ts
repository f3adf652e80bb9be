import { DataSource, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { postgresKeyLookup } from '../src/database/find-by-keys';
import { IngestedMessage } from '../src/sync/ingested-message.entity';
import { IngestedMessagesRepository } from '../src/sync/ingested-messages.repository';
import { TicketMessageId } from '../src/tickets/ticket-message-id.entity';
import { usingPostgres } from './support/test-database';
import { ignoredLedgerRow } from './support/ledger-rows';
import { startTestApp, TestApp } from './support/test-app';
import { createTenant } from './support/tenants';

/** A batch's lookups by key: exactly the organization's known keys, however many are asked, by the unique index. */
describe('lookup by key (findByKeys)', () => {
  let testApp: TestApp;
  let ledger: IngestedMessagesRepository;
  let ours: string;
  let theirs: string;

  const rowsFor = (keys: string[]) => keys.map((messageKey, uid) => ignoredLedgerRow(messageKey, { uid: uid + 1 }));
  const write = (organizationId: string, keys: string[]) =>
    testApp.app.get(DataSource).transaction((manager) => ledger.insertMany(organizationId, rowsFor(keys), manager));
  const lookUp = (organizationId: string, keys: string[]) =>
    testApp.app.get(DataSource).transaction((manager) => ledger.findKnown(organizationId, keys, manager));

  beforeAll(async () => {
    testApp = await startTestApp();
    ledger = testApp.app.get(IngestedMessagesRepository);
    ours = (await createTenant(testApp)).organizationId;
    theirs = (await createTenant(testApp)).organizationId;
    // More than one SQLite statement's worth (500 keys), one known to both organizations.
    await write(
      ours,
      Array.from({ length: 700 }, (_, i) => `mid:known-${i}@test`),
    );
    await write(theirs, ['mid:known-0@test', 'mid:theirs-only@test']);
  });
  afterAll(() => testApp.close());

  it('finds every known key of the organization among 1,000 asked, and none of another organization', async () => {
    const asked = [
      ...Array.from({ length: 900 }, (_, i) => `mid:known-${i}@test`),
      'mid:theirs-only@test',
      'mid:known-5@test',
    ];
    const found = await lookUp(ours, asked);
    expect(found.size).toBe(700);
    expect(found.has('mid:known-699@test')).toBe(true);
    expect(found.has('mid:known-700@test')).toBe(false);
    expect(found.has('mid:theirs-only@test')).toBe(false);
    expect([...(await lookUp(theirs, asked)).keys()].sort()).toEqual(['mid:known-0@test', 'mid:theirs-only@test']);
  });

  it('answers an empty set for no keys, and for keys nobody has', async () => {
    expect((await lookUp(ours, [])).size).toBe(0);
    expect((await lookUp(ours, ['mid:nobody@test', 'hash:00'])).size).toBe(0);
  });

  /** The names of the indexes a plan (EXPLAIN's JSON) reads. */
  const indexesIn = (plan: ObjectLiteral): string[] => [
    ...(plan['Index Name'] ? [plan['Index Name'] as string] : []),
    ...((plan.Plans as ObjectLiteral[] | undefined) ?? []).flatMap(indexesIn),
  ];
  const planned = async <T extends ObjectLiteral>(
    entity: EntityTarget<T>,
    key: keyof T & string,
    select: (keyof T & string)[],
  ) => {
    const dataSource = testApp.app.get(DataSource);
    const sql = postgresKeyLookup(dataSource.manager, entity, key, select);
    const [row] = await dataSource.query<{ 'QUERY PLAN': [{ Plan: ObjectLiteral }] }[]>(
      `EXPLAIN (FORMAT JSON) ${sql}`,
      [ours, ['a', 'b']],
    );
    return indexesIn(row['QUERY PLAN'][0].Plan);
  };

  // Before autovacuum has analyzed a table (a mailbox's first sync), another index that began with the
  // organization cost the planner the same, and reading it meant reading all the organization's rows per
  // key. The selects are the ones the ledger and MessageIdsRepository.findTickets ask for.
  (usingPostgres() ? it : it.skip)('probes the unique (organization, key) index of each table it serves', async () => {
    expect(await planned(IngestedMessage, 'messageKey', ['messageKey'])).toEqual(['UQ_ingested_messages_key']);
    expect(await planned(TicketMessageId, 'messageId', ['messageId', 'ticketId'])).toEqual([
      'UQ_message_ids_organization_message',
    ]);
  });
});
