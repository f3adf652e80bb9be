import { randomBytes } from 'node:crypto';
import { createSignedMessageId } from '../../libs/mail/signed-message-id';
import { MESSAGE_ID_SECRET } from '../../src/config/message-id-secret';
import type { DovecotServer } from '../harness/dovecot';
import { Helpdesk } from './helpdesk';
import { makeMessage, type MessageSpec } from './messages';
import type { TestApp } from './test-app';
import { createTenant } from './tenants';

/** An organization with its own support mailbox in Dovecot, syncing from now on. */
export interface SupportDesk {
  desk: Helpdesk;
  /** The Dovecot login of the mailbox. */
  user: string;
  /** The folder sync reads (INBOX unless asked otherwise). */
  folder: string;
  /** The address customers write to (saved as the incoming settings' address). */
  address: string;
  /** Puts messages into the mailbox (oldest first), as a mail server delivering them would. */
  deliver(...messages: Array<MessageSpec | string | Buffer>): Promise<number[]>;
  /** Changes a ticket's status through the agent API. */
  setStatus(ticketId: string, status: 'open' | 'pending' | 'resolved' | 'closed'): Promise<void>;
  /** A Message-ID our mailer would put on a notification for the ticket (signed with the app's secret). */
  notificationId(ticketId: string, organizationId?: string): string;
}

export const MAILBOX_PASSWORD = 'mailbox-secret';

/**
 * One line per organization: a fresh tenant, a Dovecot user of its own, incoming settings that name the
 * support address, and sync started from the current date (nothing delivered before counts).
 */
export async function openSupportDesk(
  testApp: TestApp,
  dovecot: DovecotServer,
  opts: { start?: boolean; folder?: string } = {},
): Promise<SupportDesk> {
  const user = `desk-${randomBytes(4).toString('hex')}`;
  const address = `${user}@helpdesk.test`;
  const folder = opts.folder ?? 'INBOX';
  await dovecot.addUser(user, MAILBOX_PASSWORD);
  if (folder !== 'INBOX') await dovecot.createFolder(user, folder);
  const desk = new Helpdesk(testApp, await createTenant(testApp));
  const auth = { Authorization: `Bearer ${desk.tenant.admin.token}` };
  await testApp
    .http()
    .put('/api/v1/settings/email/incoming')
    .set(auth)
    .send({
      host: dovecot.host,
      port: dovecot.imapPort,
      security: 'none',
      username: user,
      password: MAILBOX_PASSWORD,
      folder,
      verifyCertificate: false,
      address,
    })
    .expect(200);
  if (opts.start ?? true) {
    await desk.start({ from: 'current-date' });
    // Start kicks off a first run; wait for it, so that a later "sync now" cannot join a run that
    // listed the mailbox before the test delivered its mail.
    await desk.syncNow();
  }
  return {
    desk,
    user,
    folder,
    address,
    deliver: (...messages) =>
      dovecot.appendMany(
        user,
        messages.map((message) =>
          typeof message === 'string' || Buffer.isBuffer(message) ? message : makeMessage({ to: address, ...message }),
        ),
        { folder },
      ),
    setStatus: async (ticketId, status) => {
      await testApp.http().patch(`/api/v1/tickets/${ticketId}`).set(auth).send({ status }).expect(200);
    },
    notificationId: (ticketId, organizationId = desk.tenant.organizationId) =>
      createSignedMessageId({
        secret: testApp.app.get<string>(MESSAGE_ID_SECRET),
        organizationId,
        ticketId,
        domain: 'helpdesk.test',
      }).replace(/^<|>$/g, ''),
  };
}

/** The same message without its Message-ID header (some scanners and old clients send such mail). */
export function withoutMessageId(raw: string): string {
  const stripped = raw.replace(/^Message-ID: [^\r\n]*\r\n/m, '');
  if (stripped === raw) throw new Error('The message had no Message-ID header to remove');
  return stripped;
}
