import type { ImapFlow, MailboxObject } from 'imapflow';
import type { MailConnectOptions } from '../../common/net/mail-connect-options';
import type { MailboxWatch, MailboxWatchOptions } from '../mailbox-watch';
import { connectImap, disconnectImap, imapCall, noAnswer } from './imap-client';
import { openImapWatch } from './imap-mailbox-watch';
import { ImapMailboxSession } from './imap-mailbox-session';
import type { ImapConnectionSettings } from '../imap-settings';
import type { ConnectionTestResult, MailboxDriver, MailboxSession } from '../mailbox.types';

/** MailboxDriver over IMAP (imapflow). Stateless: every call opens its own connection. */
export class ImapMailboxDriver implements MailboxDriver {
  async testConnection(settings: ImapConnectionSettings, options: MailConnectOptions): Promise<ConnectionTestResult> {
    const client = await connectImap(settings, options);
    try {
      // Read-only (EXAMINE): a connection test must not change \Recent or anything else.
      const mailbox = await openFolder(client, settings.folder, true, options);
      return { folder: mailbox.path, messages: mailbox.exists, uidValidity: mailbox.uidValidity.toString() };
    } finally {
      await disconnectImap(client, options.timeoutMs);
    }
  }

  async openSession(settings: ImapConnectionSettings, options: MailConnectOptions): Promise<MailboxSession> {
    const client = await connectImap(settings, options);
    try {
      // Read-write, so the session can mark messages \Seen.
      await openFolder(client, settings.folder, false, options);
    } catch (err) {
      await disconnectImap(client, options.timeoutMs);
      throw err;
    }
    return new ImapMailboxSession(client, settings.folder, options.timeoutMs);
  }

  openWatch(
    settings: ImapConnectionSettings,
    options: MailConnectOptions,
    watch: MailboxWatchOptions,
  ): Promise<MailboxWatch> {
    return openImapWatch(settings, options, watch);
  }
}

/**
 * SELECT or EXAMINE. imapflow answers undefined instead of failing when the connection ended before the
 * command went out (after a server's BYE, until its deferred close), which is a lost connection.
 */
async function openFolder(
  client: ImapFlow,
  folder: string,
  readOnly: boolean,
  options: MailConnectOptions,
): Promise<MailboxObject> {
  const opening = client.mailboxOpen(folder, { readOnly });
  const mailbox = await imapCall(client, opening, options.timeoutMs, `Opening folder ${folder}`, 'folder');
  if (mailbox) return mailbox;
  throw noAnswer(client, `The server did not open the folder ${folder}`);
}
