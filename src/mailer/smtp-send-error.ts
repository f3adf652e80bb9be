import {
  classifyMailError,
  MailConnectionError,
  type MailConnectionErrorOptions,
  type MailFailureReason,
} from '../common/net/mail-connection-error';

/**
 * "Will sending this same message again fail again?": only a 5xx reply to the message itself. A 4xx, a
 * lost connection or a timeout is worth retrying; so is a rejected login (535), because the message is
 * fine and the settings can be fixed (`reason` is 'auth'). 503 (bad sequence of commands) is a session
 * problem, not a verdict on the message.
 */
function isPermanent(reason: MailFailureReason, responseCode: number | undefined): boolean {
  if (responseCode === undefined || reason === 'auth') return false;
  return responseCode >= 500 && responseCode < 600 && responseCode !== 503;
}

/** A failed send: a MailConnectionError that also tells the outbox whether to retry. */
export class SmtpSendError extends MailConnectionError {
  override name = 'SmtpSendError';
  readonly responseCode?: number;
  readonly permanent: boolean;

  constructor(
    reason: MailFailureReason,
    message: string,
    options: MailConnectionErrorOptions & { responseCode?: number } = {},
  ) {
    super(reason, message, options);
    this.responseCode = options.responseCode;
    this.permanent = isPermanent(reason, options.responseCode);
  }
}

const REFUSED_FOR_GOOD_HINT =
  'The server refused this message (for example an unknown recipient or a content policy); ' +
  'sending it again will not help.';
const REFUSED_FOR_NOW_HINT = 'The server asked us to try again later; the message will be retried.';

/** Classifies whatever nodemailer threw and keeps the SMTP reply code. */
export function toSmtpSendError(err: unknown): SmtpSendError {
  if (err instanceof SmtpSendError) return err;
  const { reason, message, hint } = classifyMailError(err);
  const raw = typeof err === 'object' && err !== null ? (err as { responseCode?: unknown }).responseCode : undefined;
  const responseCode = typeof raw === 'number' ? raw : undefined;
  // A reply refusing the message says more than the generic "unexpected answer" hint.
  const refusal = reason === 'protocol' && responseCode !== undefined;
  const refusalHint = isPermanent(reason, responseCode) ? REFUSED_FOR_GOOD_HINT : REFUSED_FOR_NOW_HINT;
  return new SmtpSendError(reason, message, { hint: refusal ? refusalHint : hint, cause: err, responseCode });
}
