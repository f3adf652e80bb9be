import { parseMessageIdList } from './message-id';
import type { ParsedMessage } from './parsed-message';

/**
 * Keys that tie an incoming mail to an existing ticket: referenced Message-IDs (reliable, and
 * unforgeable for our own signed ids, see signed-message-id.ts) and the `[#42]` ticket number
 * token in the subject (survives clients that drop references, but is guessable: callers should
 * only trust it together with a sender check).
 */

/**
 * The Message-IDs a reply points at, closest first: In-Reply-To, then References from the most
 * recent back to the thread root. Normalised and without duplicates, ready for a lookup.
 */
export function extractReferencedIds(message: Pick<ParsedMessage, 'inReplyTo' | 'references'>): string[] {
  const ids = [...message.inReplyTo, ...[...message.references].reverse()].flatMap((id) => parseMessageIdList(id));
  return [...new Set(ids)];
}

export function formatSubjectToken(ticketNumber: number): string {
  if (!Number.isSafeInteger(ticketNumber) || ticketNumber < 1) {
    throw new RangeError(`Ticket number must be a positive integer, got ${ticketNumber}`);
  }
  return `[#${ticketNumber}]`;
}

/** Tolerates spaces inside the brackets, which some clients insert when re-flowing subjects. */
const SUBJECT_TOKEN = /\[\s*#\s*(\d{1,15})\s*\]/g;

/** Every ticket number token in the subject, in order, without duplicates. */
export function findSubjectTokens(subject: string): number[] {
  const numbers = [...subject.matchAll(SUBJECT_TOKEN)]
    .map((match) => Number(match[1]))
    .filter((value) => Number.isSafeInteger(value) && value > 0);
  return [...new Set(numbers)];
}

/**
 * Reply and forward prefixes as mail clients write them, by language. Longer forms come first
 * so that "Antwort" is not read as "Antw" plus "ort".
 */
const REPLY_FORWARD_PREFIXES = [
  // English, and what most clients use regardless of language
  're',
  'fwd',
  'fw',
  // German
  'antwort',
  'antw',
  'aw',
  'wg',
  'wtr',
  // French, Spanish, Portuguese, Italian
  'réf',
  'ref',
  'tr',
  'rv',
  'res',
  'enc',
  'rif',
  'r',
  'i',
  // Dutch, Scandinavian, Finnish, Polish, Czech, Turkish, Hungarian, Indonesian, Vietnamese
  'doorst',
  'sv',
  'vs',
  'vb',
  'vl',
  'odp',
  'pd',
  'př',
  'ynt',
  'ilt',
  'İlt',
  'vá',
  'balas',
  'trs',
  'tl',
  // Greek, Hebrew, Russian/Ukrainian
  'απ',
  'σχετ',
  'πρθ',
  'תגובה',
  'הועבר',
  'ответ',
  'отв',
  'пересл',
  'вд',
  // Chinese, Japanese, Korean
  '回复',
  '回覆',
  '答复',
  '转发',
  '轉寄',
  '返信',
  '転送',
  '회신',
  '답장',
  '전달',
];

// A prefix, an optional counter ("Re[2]:", "Re(3):", "Re^2:"), then an ASCII or full-width colon.
const LEADING_PREFIX = new RegExp(
  `^\\s*(?:${REPLY_FORWARD_PREFIXES.join('|')})\\s*(?:\\[\\d+\\]|\\(\\d+\\)|\\^\\d+)?\\s*[:：]\\s*`,
  'iu',
);

/**
 * The subject without leading reply/forward prefixes (any number, any supported language) and
 * with whitespace collapsed, for comparing subjects across a thread. Ticket tokens are kept.
 */
export function normaliseSubject(subject: string): string {
  let rest = subject.replace(/\s+/g, ' ').trim();
  for (
    let stripped = rest.replace(LEADING_PREFIX, '');
    stripped !== rest;
    stripped = rest.replace(LEADING_PREFIX, '')
  ) {
    rest = stripped;
  }
  return rest.trim();
}

/** Appends the ticket token unless the subject already carries it. */
export function addSubjectToken(subject: string, ticketNumber: number): string {
  const token = formatSubjectToken(ticketNumber);
  if (findSubjectTokens(subject).includes(ticketNumber)) {
    return subject;
  }
  const trimmed = subject.trim();
  return trimmed.length > 0 ? `${trimmed} ${token}` : token;
}
