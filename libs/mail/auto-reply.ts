import { firstHeader, headerParameter, headerToken, type MessageHeaders } from './header-lookup';
import type { ParsedMessage } from './parsed-message';

/**
 * Recognises mail written by a machine on someone's behalf (out-of-office replies, vacation
 * notices, read receipts, bulk and auto-generated mail), so the helpdesk never answers it with
 * an auto-acknowledgement (mail loops) and can decide whether it deserves a ticket.
 * Delivery failures are `detectBounce`'s job; a bounce may match here too (many set
 * Auto-Submitted), so callers should check bounces first.
 *
 * Decisions:
 * - List-Id and List-Unsubscribe alone do NOT make a message automatic: customers write through
 *   Google Groups, CRMs and web forms that add them, and those requests need tickets. A caller
 *   that sends auto-acknowledgements should skip List-* mail as well (RFC 3834 §2).
 * - `Precedence: bulk|junk|list` does count: it is the sender's own statement that the mail is
 *   not personal.
 * - Subject phrases only count when they are the whole subject or a prefix followed by a colon
 *   (or in brackets), as auto-responders write them; "Out of office on Friday, please cover"
 *   from a human stays a normal message.
 */

export interface AutoReplyDetection {
  /** Stable code: auto-submitted, x-autoreply, x-autorespond, x-auto-response-suppress,
   * exchange-generated, exchange-inbox-rule, precedence-bulk|junk|list|auto-reply,
   * read-receipt or subject-auto-reply. */
  reason: string;
}

const NEGATIVE_VALUES = new Set(['no', 'false', '0']);
const PRECEDENCE_VALUES = new Set(['bulk', 'junk', 'list', 'auto_reply', 'auto-reply']);
// Outlook/Exchange set these values on mail that must not trigger auto-replies, i.e. on
// auto-replies themselves; DR/NDR/RN alone only suppress receipts and are left out.
const SUPPRESS_VALUES = new Set(['all', 'oof', 'autoreply']);

const AUTO_REPLY_PHRASES = [
  'automatic reply',
  'auto[- ]?reply',
  'auto[- ]?response',
  'automatic response',
  'out of (?:the )?office(?: auto ?reply)?',
  'vacation reply',
  'automatische antwort',
  'abwesenheitsnotiz',
  'abwesend',
  'réponse automatique',
  "message d'absence",
  'absence du bureau',
  'respuesta automática',
  'fuera de la oficina',
  'automatisch antwoord',
  'afwezig',
  'risposta automatica',
  'fuori sede',
  'resposta automática',
  'fora do escritório',
  'autosvar',
  'automatisk svar',
  'automaattinen vastaus',
  'automatyczna odpowiedź',
  'automatická odpověď',
  'автоответ',
  'автоматический ответ',
  '自动回复',
  '自動回覆',
  '自動応答',
  '자동 회신',
].join('|');

const AUTO_REPLY_SUBJECT = new RegExp(
  `^\\s*(?:\\[\\s*(?:${AUTO_REPLY_PHRASES})\\s*\\]|(?:${AUTO_REPLY_PHRASES})\\s*(?:[:：]|$))`,
  'iu',
);

function isPresentAndPositive(value: string | undefined): boolean {
  return value !== undefined && !NEGATIVE_VALUES.has(value.trim().toLowerCase());
}

function headerReason(message: MessageHeaders): string | null {
  const autoSubmitted = headerToken(firstHeader(message, 'auto-submitted'));
  if (autoSubmitted && autoSubmitted !== 'no') {
    return 'auto-submitted';
  }
  if (isPresentAndPositive(firstHeader(message, 'x-autoreply'))) {
    return 'x-autoreply';
  }
  if (isPresentAndPositive(firstHeader(message, 'x-autorespond') ?? firstHeader(message, 'x-autoresponder'))) {
    return 'x-autorespond';
  }
  const suppress = (firstHeader(message, 'x-auto-response-suppress') ?? '').toLowerCase().split(/[\s,]+/);
  if (suppress.some((value) => SUPPRESS_VALUES.has(value))) {
    return 'x-auto-response-suppress';
  }
  if (firstHeader(message, 'x-ms-exchange-generated-message-source') !== undefined) {
    return 'exchange-generated';
  }
  if (firstHeader(message, 'x-ms-exchange-inbox-rules-loop') !== undefined) {
    return 'exchange-inbox-rule';
  }
  const precedence = headerToken(firstHeader(message, 'precedence'));
  if (precedence && PRECEDENCE_VALUES.has(precedence)) {
    return `precedence-${precedence.replace('_', '-')}`;
  }
  const contentType = firstHeader(message, 'content-type');
  if (headerParameter(contentType, 'report-type') === 'disposition-notification') {
    return 'read-receipt';
  }
  return null;
}

export function detectAutoReply(message: Pick<ParsedMessage, 'headers' | 'subject'>): AutoReplyDetection | null {
  const reason = headerReason(message) ?? (AUTO_REPLY_SUBJECT.test(message.subject) ? 'subject-auto-reply' : null);
  return reason ? { reason } : null;
}
