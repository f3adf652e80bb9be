import { DataSource } from 'typeorm';
import { TicketsService } from '../src/tickets/tickets.service';
import { inboundEmail } from './support/ingestion-fixture';
import { undoThrough } from './support/migrations';
import { startTestApp, type TestApp } from './support/test-app';
import { createTenant, type TestTenant } from './support/tenants';

/** The tenant rows a migration (or its undo) must never lose, counted per table. */
const TABLES = ['organizations', 'users', 'tickets', 'comments', 'contacts', 'message_ids', 'ticket_participants'];

/**
 * Migrations run on databases full of tenant data. On SQLite, TypeORM adds or drops a column by making
 * the table again, and making a parent table again (organizations, users) cascades its foreign keys into
 * every child: the undo and redo of the later migrations must keep every row.
 */
describe('migrations keep what is stored', () => {
  let testApp: TestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    testApp = await startTestApp();
    tenant = await createTenant(testApp);
  });
  afterAll(() => testApp.close());

  async function counts(dataSource: DataSource): Promise<Record<string, number>> {
    const result: Record<string, number> = {};
    for (const table of TABLES) {
      const [row] = await dataSource.query<{ count: number | string }[]>(`SELECT COUNT(*) AS count FROM "${table}"`);
      result[table] = Number(row!.count);
    }
    return result;
  }

  it('undoing and redoing every migration since the ledger content hash loses no row', async () => {
    const tickets = testApp.app.get(TicketsService);
    const dataSource = testApp.app.get(DataSource);
    const first = await tickets.createTicketFromEmail(tenant.organizationId, inboundEmail({ subject: 'Kept one' }));
    await tickets.addEmailComment(tenant.organizationId, first.ticketId, inboundEmail({ subject: 'Re: Kept one' }));
    await tickets.createTicketFromEmail(tenant.organizationId, inboundEmail({ subject: 'Kept two' }));
    const before = await counts(dataSource);
    expect(before.tickets).toBe(2);

    const undone = await undoThrough(dataSource, 'AuditEvents1764000011000');
    expect(await counts(dataSource)).toEqual(before);
    expect((await dataSource.runMigrations({ transaction: 'each' })).map((migration) => migration.name)).toEqual(
      undone,
    );
    expect(await counts(dataSource)).toEqual(before);
  });
});
