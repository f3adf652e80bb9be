import { MailConnectionError } from '../common/net/mail-connection-error';
import type { ImapConnectionSettings } from '../mailbox/imap-settings';
import type { SmtpConnectionSettings } from '../mailer/smtp-settings';
import { MailboxGrantError } from './mailbox-grant-error';

/** Whether these settings log in with an OAuth2 access token. */
export function usesAccessToken(settings: ImapConnectionSettings | SmtpConnectionSettings): boolean {
  if ('auth' in settings) return settings.auth?.accessToken !== undefined;
  return settings.accessToken !== undefined;
}

/**
 * A mail server refused the login (IMAP AUTHENTICATIONFAILED, SMTP 535, or a 334 XOAUTH2 error that
 * nodemailer reports as EAUTH): with a token, it may have been revoked or expired early at the provider.
 */
export function loginRejected(error: unknown): boolean {
  return error instanceof MailConnectionError && error.reason === 'auth' && !(error instanceof MailboxGrantError);
}

/**
 * Logs in with `settings`; when a server rejected an OAuth2 access token, once more with a token
 * `refresh` forces from the provider. Once only: a second refusal is the server's answer (e.g. a missing
 * mail permission), and a refresh the provider refuses is a MailboxGrantError.
 */
export async function withFreshTokenRetry<S extends ImapConnectionSettings | SmtpConnectionSettings, T>(
  settings: S,
  login: (settings: S) => Promise<T>,
  refresh: () => Promise<S | null>,
): Promise<T> {
  try {
    return await login(settings);
  } catch (error) {
    if (!usesAccessToken(settings) || !loginRejected(error)) throw error;
    const fresh = await refresh();
    if (!fresh) throw error;
    return login(fresh);
  }
}
