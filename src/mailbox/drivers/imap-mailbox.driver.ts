import type { MailConnectOptions } from '../../common/net/mail-connect-options';
import { connectImap, disconnectImap, imapCall } from './imap-client';
import { ImapMailboxSession } from './imap-mailbox-session';
import type { ImapConnectionSettings } from './imap-settings';
import type { ConnectionTestResult, MailboxDriver, MailboxSession } from './mailbox-driver';

/** MailboxDriver over IMAP (imapflow). Stateless: every call opens its own connection. */
export class ImapMailboxDriver implements MailboxDriver {
  async testConnection(settings: ImapConnectionSettings, options: MailConnectOptions): Promise<ConnectionTestResult> {
    const client = await connectImap(settings, options);
    try {
      // Read-only (EXAMINE): a connection test must not change \Recent or anything else.
      const mailbox = await imapCall(
        client,
        client.mailboxOpen(settings.folder, { readOnly: true }),
        options.timeoutMs,
        `Opening folder ${settings.folder}`,
        'folder',
      );
      return { folder: mailbox.path, messages: mailbox.exists, uidValidity: mailbox.uidValidity.toString() };
    } finally {
      await disconnectImap(client, options.timeoutMs);
    }
  }

  async openSession(settings: ImapConnectionSettings, options: MailConnectOptions): Promise<MailboxSession> {
    const client = await connectImap(settings, options);
    try {
      // Read-write, so the session can mark messages \Seen.
      await imapCall(
        client,
        client.mailboxOpen(settings.folder),
        options.timeoutMs,
        `Opening folder ${settings.folder}`,
        'folder',
      );
    } catch (err) {
      await disconnectImap(client, options.timeoutMs);
      throw err;
    }
    return new ImapMailboxSession(client, settings.folder, options.timeoutMs);
  }
}
