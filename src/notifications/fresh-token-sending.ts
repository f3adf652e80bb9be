import type { MailerPool, OutgoingMessage, SendResult } from '../mailer/mailer.types';
import type { SmtpConnectionSettings } from '../mailer/smtp-settings';
import { loginRejected, usesAccessToken } from '../settings/fresh-token-retry';
import { MailboxGrantError } from '../settings/mailbox-grant-error';
import type { Notification } from './notification.entity';
import type { DeliveryOutcome } from './notifications.repository';

/**
 * Sends over `pool`; when the server refused the OAuth2 login, `refreshed` builds one pool with a token
 * the provider issued anew, shared by every send of the round, and the message goes once more on it. A
 * refresh the provider refuses fails every later send of the round the same way, without sending.
 */
export function sendingWithFreshToken(
  pool: MailerPool,
  settings: SmtpConnectionSettings,
  refreshed: () => Promise<MailerPool | null>,
): (message: OutgoingMessage) => Promise<SendResult> {
  let current = pool;
  let refresh: Promise<MailerPool | null> | null = null;
  return async (message) => {
    if (refresh) current = (await refresh) ?? current;
    try {
      return await current.send(message);
    } catch (error) {
      if (!usesAccessToken(settings) || !loginRejected(error)) throw error;
      refresh ??= refreshed();
      const fresh = await refresh;
      if (!fresh || fresh === current) throw error;
      current = fresh;
      return fresh.send(message);
    }
  };
}

/**
 * The grant behind the outgoing login needs an admin to reconnect it: the message waits in the queue
 * without spending an attempt (it would fail the same way until then), looking again after `waitMs`.
 */
export function waitingForGrant(row: Notification, error: MailboxGrantError, waitMs: number): DeliveryOutcome {
  return {
    id: row.id,
    status: 'queued',
    attempts: row.attempts,
    reason: `Waiting for the mailbox to be reconnected: ${error.message} (${error.hint})`,
    nextAttemptAt: new Date(Date.now() + waitMs),
  };
}
