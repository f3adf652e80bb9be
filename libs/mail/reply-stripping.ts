import { compile } from 'html-to-text';
import { MAX_HTML_NESTING, PLAIN_TEXT_LIMITS, PLAIN_TEXT_SELECTORS } from './html';
import { HTML_HISTORY_START, findTag, hasQuoteContainer } from './html-history';
import { limitHtmlNesting } from './html-nesting';
import {
  ATTRIBUTION_OPENING,
  ATTRIBUTION_START,
  CODE_FENCE,
  DELIMITER_LINE,
  HEADER_LINE,
  QUOTE_LINE,
  SENDER_HEADER_LINE,
  SIGNATURE_LINE,
  isAttributionLine,
} from './reply-patterns';

/**
 * Separates what the customer wrote in a reply from the history their mail client appended
 * (quoted mail, forwarded headers, signatures), so a ticket shows each message once.
 *
 * Each line is classified (text, quote, attribution such as "On … wrote:", header of an inline
 * quoted message, signature delimiter, mobile signature, empty) and history is cut by rules
 * modelled on discourse/email_reply_trimmer:
 * - everything after a signature delimiter ("-- ", "____") that follows some text;
 * - mobile signatures ("Sent from my iPhone") wherever they stand;
 * - a quote at the top with an attribution, when the reply is written below it;
 * - an attribution or "-----Original Message-----" after the reply, when the history below it
 *   is unquoted or quoted to the end;
 * - an inline header block (From:/Sent:/To:/Subject:) after the reply;
 * - a trailing quote block.
 * Quotes followed by more of the customer's text are an inline answer and are kept, without
 * their attribution line. A message that is nothing but a quote is kept as it is.
 */

export interface ReplyStripResult {
  /** The customer's own text, trimmed. Empty only when the message holds no text of its own. */
  visible: string;
  /** True when quoted history or a signature was removed. */
  quoted: boolean;
}

type LineKind = 'empty' | 'delimiter' | 'signature' | 'attribution' | 'header' | 'quote' | 'text';

interface Line {
  text: string;
  kind: LineKind;
}

const MAX_ATTRIBUTION_LINES = 5;
const MAX_ATTRIBUTION_LENGTH = 300;
const MAX_SIGNATURE_LENGTH = 80;
// Markers are short; longer lines are text, which also keeps the patterns fast on hostile input.
const MAX_MARKER_LENGTH = 300;

/**
 * Clients wrap long attributions ("On …, Some One <\nsome@one.example> wrote:"); join the pieces
 * into one line when, and only when, together they read as an attribution.
 */
function joinWrappedAttributions(lines: string[]): string[] {
  const joined: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    const candidate = line.length <= MAX_ATTRIBUTION_LENGTH && ATTRIBUTION_START.test(line) && !isAttributionLine(line);
    const wrapped = candidate ? joinFrom(lines, index) : null;
    if (wrapped) {
      joined.push(wrapped.text);
      index = wrapped.end;
    } else {
      joined.push(line);
    }
  }
  return joined;
}

function joinFrom(lines: string[], start: number): { text: string; end: number } | null {
  let candidate = lines[start].trimEnd();
  for (let index = start + 1; index < lines.length && index <= start + MAX_ATTRIBUTION_LINES; index++) {
    const next = lines[index].replace(/^[\s>]+/, '').trimEnd();
    if (next === '') {
      continue;
    }
    // A complete attribution of its own starts the next quote level; never swallow it.
    if (ATTRIBUTION_OPENING.test(lines[index]) && isAttributionLine(lines[index])) {
      return null;
    }
    candidate = `${candidate} ${next}`;
    if (candidate.length > MAX_ATTRIBUTION_LENGTH) {
      return null;
    }
    if (isAttributionLine(candidate)) {
      return { text: candidate, end: index };
    }
  }
  return null;
}

function kindOf(text: string): LineKind {
  if (text.trim() === '') {
    return 'empty';
  }
  if (text.length > MAX_MARKER_LENGTH) {
    return QUOTE_LINE.test(text) ? 'quote' : 'text';
  }
  if (DELIMITER_LINE.test(text)) {
    return 'delimiter';
  }
  // Markdown links ("[Sent from Outlook](https://…)") would hide a signature from the pattern.
  const withoutLinks = text.replace(/\[([^\]]+)\]\([^)]+\)/g, '$1');
  if (withoutLinks.length <= MAX_SIGNATURE_LENGTH && SIGNATURE_LINE.test(withoutLinks)) {
    return 'signature';
  }
  if (isAttributionLine(text)) {
    return 'attribution';
  }
  if (HEADER_LINE.test(text)) {
    return 'header';
  }
  return QUOTE_LINE.test(text) ? 'quote' : 'text';
}

/** "Title\n=====" — a run of = or - right under a line of text underlines a heading. */
const HEADING_UNDERLINE = /^[ \t]*(?:={3,}|-{3,})[ \t]*$/;

function classify(lines: string[]): Line[] {
  let inCode = false;
  const classified = lines.map((text): Line => {
    if (CODE_FENCE.test(text)) {
      inCode = !inCode;
      return { text, kind: 'text' };
    }
    return { text, kind: inCode ? 'text' : kindOf(text) };
  });
  return classified.map((line, index) =>
    line.kind === 'delimiter' && HEADING_UNDERLINE.test(line.text) && classified[index - 1]?.kind === 'text'
      ? { ...line, kind: 'text' }
      : line,
  );
}

/*
 * Line predicates are module-level functions, not arrows made per call: V8 drops a per-call callback's
 * optimized code at each full GC and compiles it again, unless the caller inlined it.
 */
function isText(line: Line): boolean {
  return line.kind === 'text';
}

function isNotSignature(line: Line): boolean {
  return line.kind !== 'signature';
}

function isNotAttribution(line: Line): boolean {
  return line.kind !== 'attribution';
}

function textOf(line: Line): string {
  return line.text;
}

/** Index of the first line of the customer's own text; history rules only apply after it. */
const firstTextIndex = (lines: Line[]): number => {
  const index = lines.findIndex(isText);
  return index >= 0 ? index : lines.length;
};

/** Everything after the first delimiter that follows the reply is signature or history. */
function cutAtDelimiter(lines: Line[]): Line[] {
  const firstText = firstTextIndex(lines);
  const index = lines.findIndex((line, i) => line.kind === 'delimiter' && i > firstText);
  return index >= 0 ? lines.slice(0, index) : lines;
}

/** "Subject: a long subject\nthat wrapped" inside a header block: the wrapped part is header too. */
function markHeaderContinuations(lines: Line[]): Line[] {
  return lines.map((line, index) =>
    line.kind === 'text' && lines[index - 1]?.kind === 'header' && lines[index + 1]?.kind === 'header'
      ? { ...line, kind: 'header' }
      : line,
  );
}

/** A reply written below the quote ("On … wrote:\n> …\nMy answer"): drop the quote above it. */
function dropLeadingHistory(lines: Line[]): Line[] {
  const firstText = lines.findIndex(isText);
  const leading = firstText >= 0 ? lines.slice(0, firstText) : [];
  const introducesHistory = leading.some((line) => line.kind === 'attribution' || line.kind === 'header');
  return introducesHistory ? lines.slice(firstText) : lines;
}

/**
 * Cuts at the first attribution after the reply unless the quote below it is answered inline
 * (quoted lines followed by more text).
 */
function cutAtAttribution(lines: Line[]): Line[] {
  const lastText = lines.findLastIndex(isText);
  // nextQuote[i]: the first quote line at or after i (-1 if none), computed once from the end.
  const nextQuote = new Array<number>(lines.length + 1).fill(-1);
  for (let index = lines.length - 1; index >= 0; index--) {
    nextQuote[index] = lines[index].kind === 'quote' ? index : nextQuote[index + 1];
  }
  for (let index = firstTextIndex(lines) + 1; index < lines.length; index++) {
    if (lines[index].kind !== 'attribution') {
      continue;
    }
    const firstQuote = nextQuote[index + 1];
    const answeredInline = firstQuote >= 0 && lastText > firstQuote;
    if (!answeredInline) {
      return lines.slice(0, index);
    }
  }
  return lines;
}

/** Three or more header lines naming a sender, after the reply: an inline quoted or forwarded mail. */
function cutAtHeaderBlock(lines: Line[]): Line[] {
  for (let start = firstTextIndex(lines) + 1; start < lines.length; start++) {
    if (lines[start].kind !== 'header') {
      continue;
    }
    let end = start;
    while (end < lines.length && lines[end].kind === 'header') {
      end++;
    }
    const block = lines.slice(start, end);
    if (block.length >= 3 && block.some((line) => SENDER_HEADER_LINE.test(line.text))) {
      return lines.slice(0, start);
    }
    start = end;
  }
  return lines;
}

/** A quote at the very end, after the reply, is history. */
function dropTrailingQuote(lines: Line[]): Line[] {
  let end = lines.length;
  while (end > 0 && (lines[end - 1].kind === 'quote' || lines[end - 1].kind === 'empty')) {
    end--;
  }
  return firstTextIndex(lines) < end ? lines.slice(0, end) : lines;
}

function trimBlankLines(lines: string[]): string {
  return lines
    .join('\n')
    .replace(/^(?:[ \t]*\n)+/, '')
    .trimEnd();
}

export function stripReply(text: string): ReplyStripResult {
  const normalised = text.replace(/\r\n?/g, '\n');
  let lines = classify(joinWrappedAttributions(normalised.split('\n')));
  lines = cutAtDelimiter(lines);
  lines = lines.filter(isNotSignature);
  lines = markHeaderContinuations(lines);
  lines = dropLeadingHistory(lines);
  lines = cutAtAttribution(lines);
  lines = cutAtHeaderBlock(lines);
  lines = dropTrailingQuote(lines);
  // Attributions left over introduce quotes that are answered inline; the quotes stay.
  lines = lines.filter(isNotAttribution);

  const kept = trimBlankLines(lines.map(textOf));
  // Only quote marks and blank lines left (a quote of a quote of a quote): nothing of their own.
  const visible = /[\p{L}\p{N}]/u.test(kept) ? kept : '';
  return { visible, quoted: !sameAsideFromWhitespace(visible, normalised) };
}

/** The characters `\s` matches in a regular expression. */
function isWhitespace(code: number): boolean {
  return (
    (code >= 9 && code <= 13) ||
    code === 32 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

function skipWhitespace(text: string, from: number): number {
  let at = from;
  while (at < text.length && isWhitespace(text.charCodeAt(at))) at += 1;
  return at;
}

/**
 * Whether two texts are the same once each run of whitespace counts as one space and both ends are
 * trimmed. Compared in place: collapsing both whole bodies first was a few percent of all the memory
 * a sync allocates.
 */
export function sameAsideFromWhitespace(a: string, b: string): boolean {
  let i = skipWhitespace(a, 0);
  let j = skipWhitespace(b, 0);
  while (i < a.length && j < b.length) {
    const inRunA = isWhitespace(a.charCodeAt(i));
    if (inRunA !== isWhitespace(b.charCodeAt(j))) return false;
    if (inRunA) {
      i = skipWhitespace(a, i);
      j = skipWhitespace(b, j);
    } else {
      if (a.charCodeAt(i) !== b.charCodeAt(j)) return false;
      i += 1;
      j += 1;
    }
  }
  return skipWhitespace(a, i) === a.length && skipWhitespace(b, j) === b.length;
}

/** Private-use characters: cannot come from the mail itself by accident. */
const CUT_MARKER = '\uE000reply-history\uE000';

function beforeCutMarker(rendered: string): string {
  const index = rendered.indexOf(CUT_MARKER);
  return index >= 0 ? rendered.slice(0, index) : rendered;
}

/** Containers that hold only quoted history, whatever their position. */
const QUOTE_CONTAINERS = ['.gmail_quote', '.yahoo_quoted', '.moz-cite-prefix', 'blockquote[type="cite"]'];

// Link targets would break attribution lines ("<a href=mailto:…>" inside "… wrote:").
const REPLY_SELECTORS = [...PLAIN_TEXT_SELECTORS, { selector: 'a', options: { ignoreHref: true } }];
const renderWithoutQuotes = compile({
  wordwrap: false,
  limits: PLAIN_TEXT_LIMITS,
  selectors: [...REPLY_SELECTORS, ...QUOTE_CONTAINERS.map((selector) => ({ selector, format: 'skip' }))],
});
const renderWithQuotes = compile({ wordwrap: false, limits: PLAIN_TEXT_LIMITS, selectors: REPLY_SELECTORS });

/**
 * The visible reply of an HTML body, as plain text: known quote containers are dropped, history
 * after client separators is cut, and the rest goes through the plain-text rules (other
 * blockquotes come out as "> " lines, so unmarked quotes are still recognised).
 */
export function stripHtmlReply(html: string): ReplyStripResult {
  let marked = limitHtmlNesting(html, MAX_HTML_NESTING);
  let cut = false;
  for (const { tag, pattern } of HTML_HISTORY_START) {
    const index = findTag(marked, tag, pattern, true);
    if (index >= 0) {
      cut = true;
      marked = `${marked.slice(0, index)}<p>${CUT_MARKER}</p>${marked.slice(index)}`;
    }
  }
  const removedHistory = cut || hasQuoteContainer(html);
  const reply = stripReply(beforeCutMarker(renderWithoutQuotes(marked)));
  if (reply.visible === '') {
    // Nothing outside the quote containers: a plain forward. Let the text rules find the
    // forwarded body instead, as they do for plain-text forwards.
    const forward = stripReply(beforeCutMarker(renderWithQuotes(marked)));
    return { visible: forward.visible, quoted: forward.quoted || removedHistory };
  }
  return { visible: reply.visible, quoted: reply.quoted || removedHistory };
}
