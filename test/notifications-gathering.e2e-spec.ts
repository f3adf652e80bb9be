import { NotificationPlanner } from '../src/notifications/notification-planner';
import { TicketsService } from '../src/tickets/tickets.service';
import { startMailSystem, type MailSystem } from './harness/mail-system';
import { inboundEmail } from './support/inbound-email';
import { eventually } from './support/messages';
import { countNotificationEvents, NOTIFY_ENV } from './support/notification-desk';
import { openSupportDesk } from './support/support-desk';
import { startTestApp, type TestApp } from './support/test-app';

const COMMITS = 8;
/** About how often a sync commits a batch. */
const COMMIT_SPACING_MS = 60;

/**
 * The sender under a stream of commits, as a sync makes them: wakes that come while a round has only
 * just begun are gathered into one later round rather than a round (three transactions) each, and no
 * event is left behind. The desk has no outgoing settings, so a round is as quick as during a sync
 * whose mail is too old to acknowledge. (Its own file: an app with its own settings in the same process
 * would replace the other app's passport strategy.)
 */
describe('notifications: commits in quick succession', () => {
  let mail: MailSystem;
  let testApp: TestApp;

  beforeAll(async () => {
    // A poll far beyond the test's patience: every round here is one that a commit woke.
    [mail, testApp] = await Promise.all([
      startMailSystem(),
      startTestApp({ ...NOTIFY_ENV, NOTIFY_POLL_INTERVAL_MS: '600000' }),
    ]);
  });
  afterAll(async () => {
    await testApp?.close();
    await mail?.close();
  });

  it('handles the events of many quick commits in fewer rounds than commits, leaving none pending', async () => {
    const support = await openSupportDesk(testApp, mail.dovecot, { start: false });
    const organizationId = support.desk.tenant.organizationId;
    const tickets = testApp.app.get(TicketsService);
    const rounds = jest.spyOn(testApp.app.get(NotificationPlanner), 'planPending');
    for (let index = 0; index < COMMITS; index += 1) {
      if (index > 0) await new Promise((resolve) => setTimeout(resolve, COMMIT_SPACING_MS));
      await tickets.createTicketFromEmail(
        organizationId,
        inboundEmail({ subject: `Quick ${index}`, from: { address: `quick${index}@customer.test`, name: '' } }),
      );
    }
    await eventually(
      async () => (await countNotificationEvents(testApp, organizationId, { pendingOnly: true })) === 0,
      10_000,
    );
    expect(rounds.mock.calls.length).toBeLessThanOrEqual(COMMITS / 2);
  });
});
