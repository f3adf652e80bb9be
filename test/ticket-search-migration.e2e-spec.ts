import { DataSource } from 'typeorm';
import { TicketsService } from '../src/tickets/tickets.service';
import { inboundEmail } from './support/inbound-email';
import { undoThrough } from './support/migrations';
import { startTestApp, TestApp } from './support/test-app';
import { createTenant, TestTenant } from './support/tenants';

/** The search indexes of migration TicketSearch cover what was written before it ran, and go away with it. */
describe('ticket search: the migration', () => {
  let testApp: TestApp;
  let tenant: TestTenant;

  const email = (subject: string, text: string) => inboundEmail({ subject, text });
  const search = async (q: string) => {
    const response = await testApp
      .http()
      .get(`/api/v1/tickets?q=${encodeURIComponent(q)}`)
      .auth(tenant.admin.token, { type: 'bearer' })
      .expect(200);
    return (response.body.items as { subject: string }[]).map((item) => item.subject).sort();
  };

  beforeAll(async () => {
    testApp = await startTestApp();
    tenant = await createTenant(testApp);
  });
  afterAll(() => testApp.close());

  it('indexes tickets and comments written before it, and keeps indexing after it', async () => {
    const tickets = testApp.app.get(TicketsService);
    const dataSource = testApp.app.get(DataSource);
    const early = await tickets.createTicketFromEmail(tenant.organizationId, email('Scanner jammed', 'first words'));
    const undone = await undoThrough(dataSource, 'TicketSearch1764000005000');
    await tickets.createTicketFromEmail(tenant.organizationId, email('Keyboard sticky', 'spilled coffee'));
    await tickets.addEmailComment(
      tenant.organizationId,
      early.ticketId,
      email('Re: Scanner jammed', 'paper tray bent'),
    );
    expect((await dataSource.runMigrations({ transaction: 'each' })).map((migration) => migration.name)).toEqual(
      undone,
    );
    await tickets.createTicketFromEmail(tenant.organizationId, email('Monitor flickers', 'since Monday'));

    expect(await search('keyboard')).toEqual(['Keyboard sticky']);
    expect(await search('coffee')).toEqual(['Keyboard sticky']);
    expect(await search('tray bent')).toEqual(['Scanner jammed']);
    expect(await search('FIRST WORDS')).toEqual(['Scanner jammed']);
    expect(await search('monday')).toEqual(['Monitor flickers']);
    expect(await search('nothing like this')).toEqual([]);
  });
});
