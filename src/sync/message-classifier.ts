import { detectAutoReply } from '../../libs/mail/auto-reply';
import { detectBounce } from '../../libs/mail/bounce';
import { OWN_MAIL_HEADER } from '../../libs/mail/own-mail';
import type { ParsedMessage } from '../../libs/mail/parsed-message';

export type Classification =
  | { kind: 'ticket-mail' }
  | { kind: 'ignore'; reason: string }
  | { kind: 'bounce'; reason: string; originalMessageId: string | null; failedRecipients: string[] };

export interface ClassifierContext {
  /** The organization's support address (the incoming login), lower-case; null when unknown. */
  supportAddress: string | null;
  /** Header that marks the settings page's round-trip probe. */
  verifyProbeHeader: string;
  /** True for a Message-ID that we generated (signed for this organization). */
  isOwnMessageId: (messageId: string) => boolean;
}

function hasHeader(message: ParsedMessage, name: string): boolean {
  return (message.headers[name.toLowerCase()]?.length ?? 0) > 0;
}

/**
 * Decides what an inbound message is, in order of certainty: our own probe and our own mail first,
 * then machine mail (bounces, auto-replies), then mail that cannot belong to a requester. Everything
 * that is ignored carries a short stable reason that the run lists.
 */
export function classifyInbound(message: ParsedMessage, raw: Buffer, context: ClassifierContext): Classification {
  if (hasHeader(message, context.verifyProbeHeader)) return { kind: 'ignore', reason: 'verify-probe' };
  if (hasHeader(message, OWN_MAIL_HEADER) || (message.messageId && context.isOwnMessageId(message.messageId))) {
    return { kind: 'ignore', reason: 'own-notification' };
  }
  const bounce = detectBounce(message, raw);
  if (bounce) {
    const { originalMessageId, failedRecipients } = bounce;
    return { kind: 'bounce', reason: `bounce:${bounce.reason}`, originalMessageId, failedRecipients };
  }
  const autoReply = detectAutoReply(message);
  if (autoReply) return { kind: 'ignore', reason: `auto-reply:${autoReply.reason}` };
  // `From: Moderator <moderator>`: a local name, no domain; there is no one to create a ticket for.
  if (!message.from?.address.includes('@')) return { kind: 'ignore', reason: 'no-sender-address' };
  if (context.supportAddress && message.from.address === context.supportAddress) {
    return { kind: 'ignore', reason: 'from-support-address' };
  }
  return { kind: 'ticket-mail' };
}

/** The internal note that a bounce of one of our messages leaves on its ticket, in an agent's words. */
export function bounceNote(bounce: Extract<Classification, { kind: 'bounce' }>, subject: string): string {
  const who = bounce.failedRecipients.length > 0 ? bounce.failedRecipients.join(', ') : 'a recipient';
  const what =
    bounce.reason === 'bounce:delivery-delayed'
      ? 'Delivery delayed: a message we sent for this ticket has not arrived yet; the mail server is still trying'
      : bounce.reason === 'bounce:feedback-report'
        ? 'Spam complaint: a recipient reported a message we sent for this ticket as spam'
        : `Delivery failed: a message we sent for this ticket could not be delivered to ${who}`;
  return `${what} (${bounce.reason}): ${subject}`;
}
