import { DataSource } from 'typeorm';
import { TicketsService } from '../src/tickets/tickets.service';
import { inboundEmail } from './support/inbound-email';
import { undoThrough } from './support/migrations';
import { startTestApp, TestApp } from './support/test-app';
import { createTenant, TestTenant } from './support/tenants';

/**
 * Migration TicketEnumeration: system notes stopped moving a ticket's last activity, so the tickets a
 * note had moved before it ran get back their last person's message (or their creation), and no other.
 */
describe('ticket enumeration: the migration', () => {
  let testApp: TestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    testApp = await startTestApp();
    tenant = await createTenant(testApp);
  });
  afterAll(() => testApp.close());

  /** One column of one row, by id, read with SQL whatever the schema's version. */
  const storedValue = async (table: 'tickets' | 'comments', column: string, id: string): Promise<unknown> => {
    const dataSource = testApp.app.get(DataSource);
    const placeholder = dataSource.options.type === 'postgres' ? '$1' : '?';
    const [row] = (await dataSource.query(`SELECT ${column} AS value FROM ${table} WHERE id = ${placeholder}`, [
      id,
    ])) as { value: unknown }[];
    return row.value;
  };
  /**
   * The stored last activity, read with SQL: while later migrations are undone the users table lacks
   * their columns, so the API would refuse the admin's token once its one-second caller cache expires.
   */
  const activityOf = async (ticketId: string) => {
    const activity = await storedValue('tickets', 'last_activity_at', ticketId);
    return activity instanceof Date ? activity.toISOString() : String(activity);
  };

  it('gives tickets a system note had moved their last person activity back', async () => {
    const tickets = testApp.app.get(TicketsService);
    const dataSource = testApp.app.get(DataSource);
    const organizationId = tenant.organizationId;
    const email = (subject: string) => inboundEmail({ subject, text: 'words' });
    const replied = await tickets.createTicketFromEmail(organizationId, email('Replied, then bounced'));
    await tickets.addEmailComment(organizationId, replied.ticketId, email('Re: Replied, then bounced'));
    const onlyNoted = await tickets.createTicketFromEmail(organizationId, email('Acknowledgment held back'));
    const answered = await tickets.createTicketFromEmail(organizationId, email('Noted, then answered'));
    const expected = new Map<string, string>();
    for (const ticket of [replied, onlyNoted]) expected.set(ticket.ticketId, await activityOf(ticket.ticketId));

    const undone = await undoThrough(dataSource, 'TicketEnumeration1764000013000');
    // Later than every message so far, so a note's time differs from the activity it must not keep.
    await new Promise((resolve) => setTimeout(resolve, 20));
    // What notes did before the migration: they moved the ticket's last activity to their own time.
    const noteMoves = async (ticketId: string) => {
      const { commentId } = await tickets.addSystemNote(organizationId, ticketId, 'A notification bounced');
      const noteCreatedAt = await storedValue('comments', 'created_at', commentId);
      await dataSource.query(
        dataSource.options.type === 'postgres'
          ? 'UPDATE tickets SET last_activity_at = $1 WHERE id = $2'
          : 'UPDATE tickets SET last_activity_at = ? WHERE id = ?',
        [noteCreatedAt, ticketId],
      );
    };
    await noteMoves(replied.ticketId);
    await noteMoves(onlyNoted.ticketId);
    await noteMoves(answered.ticketId);
    await tickets.addEmailComment(organizationId, answered.ticketId, email('Re: Noted, then answered'));
    expected.set(answered.ticketId, await activityOf(answered.ticketId));
    for (const [ticketId, activity] of expected) {
      if (ticketId !== answered.ticketId) expect(await activityOf(ticketId)).not.toBe(activity);
    }

    expect((await dataSource.runMigrations({ transaction: 'each' })).map((migration) => migration.name)).toEqual(
      undone,
    );
    for (const [ticketId, activity] of expected) expect(await activityOf(ticketId)).toBe(activity);
    const created = await testApp
      .http()
      .get('/api/v1/tickets?sort=created')
      .auth(tenant.admin.token, { type: 'bearer' })
      .expect(200);
    expect((created.body.items as { id: string }[]).map((item) => item.id)).toEqual([
      answered.ticketId,
      onlyNoted.ticketId,
      replied.ticketId,
    ]);
  });
});
