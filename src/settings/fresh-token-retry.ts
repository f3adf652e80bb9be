import { MailConnectionError } from '../common/net/mail-connection-error';
import { SmtpSendError } from '../mailer/smtp-send-error';
import type { ImapConnectionSettings } from '../mailbox/imap-settings';
import type { SmtpConnectionSettings } from '../mailer/smtp-settings';
import { MailboxGrantError } from './mailbox-grant-error';

/**
 * A fresh token refused too: the provider vouches for the account, the mail server does not let it in.
 * The password hint ("create an app password") would mislead here.
 */
export const TOKEN_REFUSED_HINT =
  "The mail server refused the connected account's token. Check the app's API permissions and admin consent " +
  '(Microsoft: IMAP.AccessAsUser.All and SMTP.Send; "User is authenticated but not connected" means the account ' +
  'may not open this mailbox, or SMTP AUTH is off for it), and that the username is a mailbox the account may use.';

/** The refusal with the token hint, keeping the SMTP reply for the outbox. */
function tokenRefused(error: MailConnectionError): MailConnectionError {
  const options = { hint: TOKEN_REFUSED_HINT, cause: error };
  if (error instanceof SmtpSendError) {
    return new SmtpSendError('auth', error.message, { ...options, responseCode: error.responseCode });
  }
  return new MailConnectionError('auth', error.message, options);
}

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
    try {
      return await login(fresh);
    } catch (again) {
      throw loginRejected(again) ? tokenRefused(again as MailConnectionError) : again;
    }
  }
}
