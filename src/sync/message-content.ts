import { sanitizeEmailHtml } from '../../libs/mail/html';
import type { ParsedMessage } from '../../libs/mail/parsed-message';
import { stripHtmlReply, stripReply } from '../../libs/mail/reply-stripping';
import { verifySignedMessageId } from '../../libs/mail/signed-message-id';
import { extractReferencedIds, findSubjectTokens } from '../../libs/mail/thread-keys';
import { messageIdKey } from '../../libs/mail/message-id';
import { VERIFY_PROBE_HEADER } from '../settings/verify-probe';
import { type Classification, classifyInbound } from './message-classifier';

/** Who a message is processed for: what classification checks it against. */
export interface ContentContext {
  organizationId: string;
  /** The organization's support address (the incoming login), lower-case; null when unknown. */
  supportAddress: string | null;
}

/** Everything about a message that costs work on its content, done on a content worker. */
export interface MessageContent {
  classification: Classification;
  /** The customer's own text (quoted history and signature stripped); null when there is none to show. */
  visibleText: string | null;
  /** The HTML body as it may be stored and shown; null without one. Only for mail that becomes a ticket. */
  safeHtml: string | null;
  /** The Message-IDs it references, closest first (In-Reply-To, then References from the end). */
  referencedIds: string[];
  /** Its own Message-ID and the referenced ones, in the form they are stored and looked up in. */
  threadIds: string[];
  /** Ticket numbers in its subject (`[#123]`). */
  subjectTokens: number[];
}

/**
 * Classifies the message, and for mail that becomes a ticket or comment strips the reply and sanitizes
 * the HTML. Runs on a content worker (content-worker.ts), never on the main thread: each of these reads
 * the whole text of a message that anyone can send.
 */
export function describeContent(
  message: ParsedMessage,
  raw: Buffer,
  context: ContentContext,
  messageIdSecret: string,
): MessageContent {
  const classification = classifyInbound(message, raw, {
    supportAddress: context.supportAddress,
    verifyProbeHeader: VERIFY_PROBE_HEADER,
    isOwnMessageId: (id) => verifySignedMessageId(messageIdSecret, id)?.organizationId === context.organizationId,
  });
  const referencedIds = extractReferencedIds(message);
  const threads = {
    referencedIds,
    threadIds: threadIdsOf(message, referencedIds),
    subjectTokens: findSubjectTokens(message.subject),
  };
  if (classification.kind !== 'ticket-mail') return { classification, visibleText: null, safeHtml: null, ...threads };
  const stripped = message.text ? stripReply(message.text) : message.html ? stripHtmlReply(message.html) : null;
  return {
    classification,
    visibleText: stripped?.visible || null,
    safeHtml: message.html ? sanitizeEmailHtml(message.html) : null,
    ...threads,
  };
}

/** The message's own Message-ID first, then the ones it references. */
function threadIdsOf(message: ParsedMessage, referencedIds: string[]): string[] {
  const ids: string[] = [];
  const own = messageIdKey(message.messageId);
  if (own) ids.push(own);
  for (const referenced of referencedIds) {
    const id = messageIdKey(referenced);
    if (id !== null) ids.push(id);
  }
  return ids;
}
