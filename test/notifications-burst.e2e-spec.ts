import { TransactionRunner } from '../src/database/transaction-runner';
import { TicketsService } from '../src/tickets/tickets.service';
import { startMailSystem, type MailSystem } from './harness/mail-system';
import { inboundEmail } from './support/inbound-email';
import { eventually } from './support/messages';
import { notifications, NOTIFY_ENV, openNotifyingDesk } from './support/notification-desk';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * The sender after a burst: one commit that queues more events than a round takes is worked off at
 * once, round after round, not a round per poll. (Its own file: an app with its own settings in the
 * same process would replace the other app's passport strategy.)
 */
describe('notifications: a burst of events', () => {
  let mail: MailSystem;
  let testApp: TestApp;

  beforeAll(async () => {
    // Two events per round and a poll far beyond the test's patience: only going on at once delivers all.
    [mail, testApp] = await Promise.all([
      startMailSystem(),
      startTestApp({ ...NOTIFY_ENV, NOTIFY_BATCH_SIZE: '2', NOTIFY_POLL_INTERVAL_MS: '600000' }),
    ]);
  });
  afterAll(async () => {
    await testApp?.close();
    await mail?.close();
  });

  it('goes on at once while a commit queued more events than one round takes, without waiting for the poll', async () => {
    const support = await openNotifyingDesk(testApp, mail, { start: false });
    const organizationId = support.desk.tenant.organizationId;
    const tickets = testApp.app.get(TicketsService);
    const created = await testApp.app.get(TransactionRunner).run(async (manager) => {
      const ids: string[] = [];
      for (let index = 0; index < 5; index += 1) {
        const ticket = await tickets.createTicketFromEmail(
          organizationId,
          inboundEmail({ subject: `Burst ${index}`, from: { address: `burst${index}@customer.test`, name: '' } }),
          manager,
        );
        ids.push(ticket.ticketId);
      }
      return ids;
    });
    await eventually(async () => {
      const rows = await notifications(testApp, support, '?status=sent');
      return created.every((ticketId) =>
        rows.some((row) => row.ticketId === ticketId && row.kind === 'ticketReceived'),
      );
    }, 10_000);
  });
});
