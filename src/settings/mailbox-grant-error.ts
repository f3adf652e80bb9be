import { MailConnectionError } from '../common/net/mail-connection-error';

/**
 * The organization's OAuth grant cannot give a token (never connected, disconnected, or it needs to be
 * reconnected): no mail server was asked and none will accept us until an admin reconnects. Callers wait
 * for `oauth.connected` rather than retry: a sync run fails with class 'auth', push waits in 'error',
 * notifications stay queued without spending an attempt.
 */
export class MailboxGrantError extends MailConnectionError {
  override name = 'MailboxGrantError';

  constructor(cause: MailConnectionError) {
    super('auth', cause.message, { hint: cause.hint, cause });
  }
}
