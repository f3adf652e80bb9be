import { headerBlockEnd } from './charset-repair';
import {
  messageIdFromHeaderBlock,
  messageIdFromText,
  parseDeliveryStatus,
  recipientsFromText,
  type DeliveryStatusRecipient,
} from './delivery-report';
import { firstHeader, headerParameter } from './header-lookup';
import type { MailAttachment, ParsedMessage } from './parsed-message';

/**
 * Recognises delivery failure notices (bounces, DSNs) and spam complaints (ARF feedback
 * reports), and finds the Message-ID of the mail they are about, so a bounce of our own
 * notification lands on its ticket instead of opening a new one.
 *
 * Strong signals decide on their own: an RFC 3464 delivery-status report, an RFC 5965 feedback
 * report, X-Failed-Recipients, or a MAILER-DAEMON sender (never a person). Weaker signals need
 * company, because each occurs in ordinary mail too. Envelope signals: a postmaster sender (also
 * a real admin's address) and an empty Return-Path (also used by auto-replies). Content signals:
 * a bounce-like subject, failure wording in the text, a returned message attached — all of which
 * a customer asking about a bounce ("Mail delivery failed", with the bounce attached) produces
 * too. A bounce needs two weak signals, at least one of them from the envelope.
 * Delay warnings count as bounces (machine mail about one of ours) with reason
 * `delivery-delayed` and no failed recipients.
 */

export interface BounceDetection {
  /** A strong signal (delivery-status-report, delivery-delayed, feedback-report,
   * x-failed-recipients, mailer-daemon-sender), else bounce-subject when the subject says so,
   * else the envelope signal (postmaster-sender, null-return-path). */
  reason: string;
  /** Message-ID of the mail that bounced (without brackets), when it can be found. */
  originalMessageId: string | null;
  /** Lower-cased addresses that could not be reached. */
  failedRecipients: string[];
}

type BounceInput = Pick<ParsedMessage, 'headers' | 'subject' | 'from' | 'text' | 'attachments' | 'messageId'>;

const BOUNCE_SUBJECT = new RegExp(
  '^\\s*(?:' +
    [
      'undelivered mail returned to sender',
      'delivery status notification \\((?:failure|delay)\\)',
      'mail delivery failed',
      'undeliverable',
      'undelivered mail',
      'returned mail',
      'failure notice',
      'delivery failure',
      'delivery notification: delivery has failed',
      'mail system error',
      'warning: could not send message',
      'delayed mail',
      'mail failure',
      'email delivery error',
      'delivery status notification',
      'nicht zustellbar',
      'unzustellbar',
      // Exchange (German); mailparser leaves UTF-7 encoded words undecoded, hence "+ANw-".
      'benachrichtung\\s+zum\\s+(?:übermittlungsstatus|\\+anw-bermittlungsstatus)',
      'non remis',
      'non recapitabile',
      'no se puede entregar',
      'onbestelbaar',
      'olevererbart',
      'ваше сообщение не доставлено',
    ].join('|') +
    ')',
  'iu',
);

const FAILURE_WORDING =
  /could ?n[o']t be delivered|error delivering|undeliverable|delivery (?:has )?failed|permanent (?:fatal )?error|user unknown|no such user|mailbox (?:is )?(?:full|unavailable)|recipient address rejected|was rejected|does not exist|nicht zugestellt|unzustellbar/i;

const DAEMON_LOCAL_PART = /^(?:mailer-daemon|mail-daemon|mailerdaemon)$/i;
const POSTMASTER_LOCAL_PART = /^postmaster$/i;
const RETURNED_MESSAGE_TYPES = new Set(['message/rfc822', 'message/global', 'text/rfc822-headers']);

function attachmentsOfType(message: BounceInput, ...types: string[]): MailAttachment[] {
  return message.attachments.filter((attachment) => types.includes(attachment.contentType));
}

/** The sender's local part; a From without an address ("MAILER-DAEMON <>") counts by its text. */
function senderLocalPart(message: BounceInput): string {
  if (message.from) {
    return message.from.address.slice(0, message.from.address.lastIndexOf('@'));
  }
  return withoutAngleBrackets(firstHeader(message, 'from') ?? '').replace(/["\s]/g, '');
}

/**
 * The text without its `<…>` parts, as `replace(/<[^>]*>/g, '')` would give it, in one pass: that
 * pattern rescans to the end of the header from every unclosed "<".
 */
function withoutAngleBrackets(text: string): string {
  let kept = '';
  let from = 0;
  for (let open = text.indexOf('<'); open >= 0; open = text.indexOf('<', from)) {
    const close = text.indexOf('>', open);
    if (close < 0) {
      break;
    }
    kept += text.slice(from, open);
    from = close + 1;
  }
  return kept + text.slice(from);
}

function deliveryRecipients(message: BounceInput): DeliveryStatusRecipient[] {
  return attachmentsOfType(message, 'message/delivery-status').flatMap((report) =>
    parseDeliveryStatus(report.content.toString('utf8')),
  );
}

function strongReason(message: BounceInput, recipients: DeliveryStatusRecipient[]): string | null {
  const reportType = headerParameter(firstHeader(message, 'content-type'), 'report-type');
  if (reportType === 'feedback-report' || attachmentsOfType(message, 'message/feedback-report').length > 0) {
    return 'feedback-report';
  }
  if (reportType === 'delivery-status' || recipients.length > 0) {
    const onlyDelayed = recipients.length > 0 && recipients.every((recipient) => recipient.action === 'delayed');
    return onlyDelayed ? 'delivery-delayed' : 'delivery-status-report';
  }
  if (firstHeader(message, 'x-failed-recipients')) {
    return 'x-failed-recipients';
  }
  return DAEMON_LOCAL_PART.test(senderLocalPart(message)) ? 'mailer-daemon-sender' : null;
}

function envelopeReasons(message: BounceInput): string[] {
  const reasons: string[] = [];
  if (POSTMASTER_LOCAL_PART.test(senderLocalPart(message))) {
    reasons.push('postmaster-sender');
  }
  if (firstHeader(message, 'return-path') === '<>') {
    reasons.push('null-return-path');
  }
  return reasons;
}

function contentReasons(message: BounceInput): string[] {
  const reasons: string[] = [];
  if (BOUNCE_SUBJECT.test(message.subject)) {
    reasons.push('bounce-subject');
  }
  if (FAILURE_WORDING.test((message.text ?? '').slice(0, 20_000))) {
    reasons.push('failure-wording');
  }
  if (message.attachments.some((attachment) => RETURNED_MESSAGE_TYPES.has(attachment.contentType))) {
    reasons.push('returned-message');
  }
  return reasons;
}

/** The reason when the weak signals together make a bounce (see the rules above), else null. */
function weakReason(message: BounceInput): string | null {
  const envelope = envelopeReasons(message);
  const content = contentReasons(message);
  if (envelope.length === 0 || envelope.length + content.length < 2) {
    return null;
  }
  // Report the most telling signal: a bounce subject, else the envelope signal.
  return content.includes('bounce-subject') ? 'bounce-subject' : envelope[0];
}

function originalMessageId(message: BounceInput, raw: Buffer | undefined): string | null {
  for (const returned of attachmentsOfType(message, 'message/rfc822', 'message/global', 'text/rfc822-headers')) {
    const id = messageIdFromHeaderBlock(returned.content);
    if (id) {
      return id;
    }
  }
  const fromText = messageIdFromText(message.text ?? '', message.messageId);
  if (fromText || !raw) {
    return fromText;
  }
  // Broken MIME can hide the returned message from the parser; its header lines are still in the body.
  const body = raw.subarray(headerBlockEnd(raw)).toString('latin1');
  return messageIdFromText(body, message.messageId);
}

function failedRecipients(message: BounceInput, recipients: DeliveryStatusRecipient[]): string[] {
  const fromHeader = (message.headers['x-failed-recipients'] ?? [])
    .flatMap((value) => value.split(','))
    .map((address) => address.trim().toLowerCase())
    .filter((address) => address.includes('@'));
  const fromReport = recipients
    .filter((recipient) => recipient.action === 'failed' || recipient.action === '')
    .map((recipient) => recipient.address);
  const found =
    fromHeader.length > 0 || recipients.length > 0
      ? [...fromHeader, ...fromReport]
      : recipientsFromText(message.text ?? '');
  return [...new Set(found)];
}

/**
 * Returns what kind of bounce this is, the bounced Message-ID and the failed recipients, or null
 * for anything else. Pass the raw message when available: it lets the original Message-ID be
 * found even when broken MIME structure hides the returned message from the parser.
 */
export function detectBounce(message: BounceInput, raw?: Buffer): BounceDetection | null {
  if (headerParameter(firstHeader(message, 'content-type'), 'report-type') === 'disposition-notification') {
    return null; // a read receipt, see detectAutoReply
  }
  const recipients = deliveryRecipients(message);
  const reason = strongReason(message, recipients) ?? weakReason(message);
  if (!reason) {
    return null;
  }
  return {
    reason,
    originalMessageId: originalMessageId(message, raw),
    failedRecipients: reason === 'delivery-delayed' ? [] : failedRecipients(message, recipients),
  };
}
