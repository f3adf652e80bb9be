/**
 * Message-ID normalisation (RFC 5322 §3.6.4), shared by parsing, threading and bounce handling,
 * so an id read from a header, a delivery report or a body compares equal everywhere.
 *
 * The normal form is the id without angle brackets, comments or whitespace. Case is kept:
 * the left part of a Message-ID is case-sensitive, and our own signed ids are lower-case anyway.
 */

const BRACKETED_ID = /<([^<>]*)>/g;
const COMMENT = /\([^()]*\)/g;
const WHITESPACE = /\s+/g;
/** A bracket left over from a cut or half-bracketed id ("<abc@example" at a truncation). */
const STRAY_BRACKET = /[<>]/g;

function cleanIdText(text: string): string | null {
  const cleaned = text.replace(COMMENT, '').replace(WHITESPACE, '').replace(STRAY_BRACKET, '');
  // An id without "@" is not a Message-ID (e.g. "<>" or a stray word in a broken header).
  return cleaned.length > 0 && cleaned.includes('@') ? cleaned : null;
}

/** Normalises one Message-ID header value; null when it holds no usable id. */
export function normaliseMessageId(value: string | null | undefined): string | null {
  if (!value) {
    return null;
  }
  const [first] = parseMessageIdList(value);
  return first ?? null;
}

/** The longest id kept: a header line's limit (RFC 5322). */
const MESSAGE_ID_MAX = 998;

/**
 * The normal form of a Message-ID as stored and looked up: no angle brackets, comments or
 * whitespace (as the headers are read), no NUL. Null when nothing usable is left, or the id is longer
 * than a header line may be.
 */
export function messageIdKey(value: string | null | undefined): string | null {
  if (!value) return null;
  // eslint-disable-next-line no-control-regex
  const key = (normaliseMessageId(value) ?? value.replace(/[<>\s]/g, '')).replace(/\u0000/g, '');
  return key.length > 0 && key.length <= MESSAGE_ID_MAX ? key : null;
}

/**
 * Reads every Message-ID from an In-Reply-To or References value, in order, without duplicates.
 * Ids are taken from `<...>`; a value without brackets (sent by some broken clients) is split
 * on whitespace and commas instead.
 */
export function parseMessageIdList(value: string | null | undefined): string[] {
  if (!value) {
    return [];
  }
  const bracketed = [...value.matchAll(BRACKETED_ID)].map((match) => match[1]);
  const candidates = bracketed.length > 0 ? bracketed : value.replace(COMMENT, ' ').split(/[\s,]+/);
  // A Set, not `ids.includes`: a 1 MB References header holds tens of thousands of ids.
  const ids = new Set<string>();
  for (const candidate of candidates) {
    const id = cleanIdText(candidate);
    if (id) {
      ids.add(id);
    }
  }
  return [...ids];
}
