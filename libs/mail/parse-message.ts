import { createHash } from 'node:crypto';
import { simpleParser, type Attachment, type ParsedMail } from 'mailparser';
import { GeneratedFilenames, filenameFromContentId, sanitizeFilename } from './attachment-filename';
import { collectCharsetHints, headerBlockEnd, repairHeaderBytes, repairRawParameter } from './charset-repair';
import { computeContentHash } from './content-hash';
import { buildHeaderRecord, decodeEncodedWords } from './header-values';
import { htmlToPlainText } from './html';
import { checkAttachmentCount, type MessageLimits, overLimitError, withLimits } from './message-limits';
import { normaliseMessageId, parseMessageIdList } from './message-id';
import { firstString, partContentId, partContentType, partFilename } from './part-fields';
import { isUuencoded, uudecode } from './uudecode';
import type { MailAddress, MailAttachment, ParsedMessage } from './parsed-message';

/** Raised only when mailparser cannot read the message at all (see `parseMessage`). */
export class MessageParseError extends Error {
  readonly code = 'MESSAGE_UNPARSEABLE';

  constructor(reason: string, options?: { cause?: unknown }) {
    super(`Cannot parse message: ${reason}`, options);
    this.name = 'MessageParseError';
  }
}

export const PARSER_OPTIONS = {
  skipImageLinks: true,
  keepCidLinks: true,
  // We derive text from HTML ourselves (one converter for the whole app) and never need textAsHtml.
  skipHtmlToText: true,
  skipTextToHtml: true,
  // Delivery reports stay machine-readable attachments instead of being glued into the body text.
  keepDeliveryStatus: true,
  // Checksums are computed on the final content (after our uudecoding), not by the parser.
  checksumAlgo: false,
} as const;

/*
 * The address helpers are module-level functions, not arrows made inside toAddresses on every call:
 * V8 drops the optimized code of such per-call closures at each full garbage collection (about once a
 * second in a sync) and compiles it again; at 10,000 messages, each callback was compiled about eight
 * more times in the second half of the run. Functions made once keep their optimized code.
 *
 * They take `unknown`: an address header is an object, or an array of them when repeated, and
 * nothing in a broken message guarantees either; what is not an address is skipped.
 */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** An address entry as mailparser gives it (its `EmailAddress`), with nothing taken on trust. */
type RawAddress = { address?: unknown; name?: unknown };

function flattenGroups(entries: unknown): RawAddress[] {
  return Array.isArray(entries) ? entries.flatMap(flattenEntry) : [];
}

function flattenEntry(entry: unknown): RawAddress[] {
  if (!isObject(entry)) return [];
  return entry.group ? flattenGroups(entry.group) : [entry];
}

function addressesOf(object: unknown): RawAddress[] {
  return isObject(object) ? flattenGroups(object.value) : [];
}

function toMailAddress(entry: RawAddress): MailAddress {
  return {
    address: (firstString(entry.address) ?? '').trim().toLowerCase(),
    name: (firstString(entry.name) ?? '').trim(),
  };
}

/**
 * RFC 5321 caps a path at 256 octets with its angle brackets: a longer "address" is not one anyone
 * can be answered at, and cut to fit a column it would lose its domain. It counts as no address, so
 * the sender falls back to Sender or Reply-To like a From without one.
 */
const MAX_ADDRESS_LENGTH = 254;

function hasAddress(entry: MailAddress): boolean {
  return entry.address.length > 0 && entry.address.length <= MAX_ADDRESS_LENGTH;
}

function toAddresses(value: unknown): MailAddress[] {
  const objects: unknown[] = Array.isArray(value) ? value : [value];
  return objects.flatMap(addressesOf).map(toMailAddress).filter(hasAddress);
}

function headerAddresses(mail: ParsedMail, name: string): MailAddress[] {
  return toAddresses(mail.headers.get(name));
}

function parseDateHeader(value: string | undefined): Date | null {
  if (!value) {
    return null;
  }
  const date = new Date(value.replace(/\([^()]*\)/g, ' ').trim());
  return Number.isNaN(date.getTime()) ? null : date;
}

/** `cid:` targets referenced by the HTML, lower-cased and URL-decoded (RFC 2392). */
function referencedContentIds(html: string | null): Set<string> {
  const ids = new Set<string>();
  for (const match of (html ?? '').matchAll(/cid:([^"'\s)>]+)/gi)) {
    let id = match[1];
    try {
      id = decodeURIComponent(id);
    } catch {
      // keep the literal text of a malformed escape
    }
    ids.add(id.toLowerCase());
  }
  return ids;
}

/** The Subject of an attached message, to name it after what it is ("Re: Offer.eml"). */
async function embeddedSubject(content: Buffer): Promise<string | null> {
  const header = content.subarray(0, headerBlockEnd(content));
  const repaired = repairHeaderBytes(Buffer.concat([header, Buffer.from('\r\n\r\n')]), collectCharsetHints(content));
  try {
    return (await simpleParser(repaired, { skipTextToHtml: true })).subject?.trim() || null;
  } catch {
    // A broken attached message must not fail the outer one; it just gets a generated name.
    return null;
  }
}

/** Where a part's content went when it was streamed to storage rather than read into memory. */
export type StoredParts = Map<Attachment, { key: string; size: number }>;

async function toAttachments(
  mail: ParsedMail,
  html: string | null,
  raw: Buffer,
  hints: string[],
  stored: StoredParts,
): Promise<MailAttachment[]> {
  const generated = new GeneratedFilenames();
  const shownInHtml = referencedContentIds(html);
  const attachments: MailAttachment[] = [];
  for (const part of mail.attachments) {
    const contentType = partContentType(part);
    const contentId = partContentId(part);
    const storedAs = stored.get(part) ?? null;
    const content =
      !storedAs && isUuencoded(firstString(part.headers.get('content-transfer-encoding')))
        ? uudecode(part.content)
        : part.content;
    attachments.push({
      filename: await attachmentFilename(part, contentType, contentId, raw, hints, generated),
      contentType,
      size: storedAs ? storedAs.size : content.length,
      contentId,
      inline: contentId !== null && shownInHtml.has(contentId.toLowerCase()),
      content,
      checksum: storedAs ? storedAs.key : createHash('sha256').update(content).digest('hex'),
      storedAs,
    });
  }
  return attachments;
}

async function attachmentFilename(
  part: Attachment,
  contentType: string,
  contentId: string | null,
  raw: Buffer,
  hints: string[],
  generated: GeneratedFilenames,
): Promise<string> {
  const given = sanitizeFilename(repairRawParameter(partFilename(part), raw, hints));
  if (given) {
    return given;
  }
  const fromContentId = filenameFromContentId(contentId);
  if (fromContentId) {
    return fromContentId;
  }
  const isMessage = contentType === 'message/rfc822' || contentType === 'message/global';
  const subject = isMessage && part.content.length > 0 ? await embeddedSubject(part.content) : null;
  return generated.next(contentType, subject ?? (await describedAs(part)));
}

/** A short Content-Description ("Delivery report", "Undelivered Message") names a part well. */
async function describedAs(part: Attachment): Promise<string | undefined> {
  const description = firstString(part.headers.get('content-description'));
  if (description === undefined) {
    return undefined;
  }
  const name = (await decodeEncodedWords(description)).trim();
  return name.length > 0 && name.length <= 80 ? name : undefined;
}

/** The first mailbox with an address in From, else Sender, else Reply-To. */
function senderOf(mail: ParsedMail): MailAddress | null {
  return toAddresses(mail.from)[0] ?? headerAddresses(mail, 'sender')[0] ?? toAddresses(mail.replyTo)[0] ?? null;
}

/**
 * The subject on one line. The parser has unfolded the header already, so a line break here was
 * encoded (`=?utf-8?Q?Hello=0D=0AWorld?=`): between words it becomes a space, at either end it goes.
 * Other whitespace is kept as sent (tabs become spaces).
 */
function oneLineSubject(subject: unknown): string {
  if (typeof subject !== 'string') return '';
  const lines = subject.replace(/\t/g, ' ').split(/[\r\n]+/);
  return lines.filter((line, index) => line.length > 0 || (index > 0 && index < lines.length - 1)).join(' ');
}

function bodyText(mail: ParsedMail, html: string | null): string | null {
  const text = typeof mail.text === 'string' ? mail.text : null;
  if (text !== null && text.trim().length > 0) {
    return text;
  }
  // An empty text/plain alternative next to real HTML (some webmailers) is not the body.
  return html !== null && html.trim().length > 0 ? htmlToPlainText(html) : text;
}

async function runParser(raw: Buffer, limits: MessageLimits | undefined): Promise<ParsedMail> {
  try {
    return await simpleParser(raw, withLimits(PARSER_OPTIONS, limits));
  } catch (error) {
    throw asParseError(error, limits);
  }
}

/** What a parser failure is reported as: the limit that stopped it, or the parser's own reason. */
export function asParseError(error: unknown, limits: MessageLimits | undefined): Error {
  if (error instanceof MessageParseError) return error;
  const overLimit = overLimitError(error, limits);
  if (overLimit) return overLimit;
  const reason = error instanceof Error ? error.message : String(error);
  return new MessageParseError(reason, { cause: error });
}

/**
 * Parses a raw RFC 5322 message. Never throws for mail that mailparser can read at all, however
 * broken; throws `MessageParseError` only when mailparser itself gives up (for example a header
 * block over 1 MB or more than 1000 MIME parts). With `limits`, a message over one of them throws
 * `MessageOverLimitError` instead.
 */
export async function parseMessage(raw: Buffer, limits?: MessageLimits): Promise<ParsedMessage> {
  const hints = collectCharsetHints(raw);
  const mail = await runParser(repairHeaderBytes(raw, hints), limits);
  checkAttachmentCount(mail.attachments.length, limits);
  return toParsedMessage(mail, { raw, hints, contentHash: () => computeContentHash(raw), stored: new Map() });
}

/**
 * Sets `contentHash` as a property computed on its first read. On the main thread only mail without a
 * Message-ID reads it (it is that mail's de-duplication key), and normalising and hashing the whole
 * message was about 22 µs of every message's parse. A copy reads it: the structured clone that brings a
 * parser worker's result back computes it there, off the main thread, and a spread copies the value.
 */
function withContentHash<T extends object>(message: T, compute: () => string): T & { contentHash: string } {
  let value: string | undefined;
  return Object.defineProperty(message, 'contentHash', { enumerable: true, get: () => (value ??= compute()) }) as T & {
    contentHash: string;
  };
}

/**
 * The ParsedMessage of what mailparser read. `raw` is where header parameters are looked up again in
 * their original bytes (the whole message, or for a streamed one its header block).
 */
export async function toParsedMessage(
  mail: ParsedMail,
  source: { raw: Buffer; hints: string[]; contentHash: () => string; stored: StoredParts },
): Promise<ParsedMessage> {
  const headers = await buildHeaderRecord(mail.headerLines);
  const html = typeof mail.html === 'string' ? mail.html : null;
  const message = {
    messageId: normaliseMessageId(headers['message-id']?.[0]),
    inReplyTo: parseMessageIdList(headers['in-reply-to']?.join(' ')),
    references: parseMessageIdList(headers['references']?.join(' ')),
    subject: oneLineSubject(mail.subject),
    from: senderOf(mail),
    replyTo: toAddresses(mail.replyTo),
    to: toAddresses(mail.to),
    cc: toAddresses(mail.cc),
    date: parseDateHeader(headers['date']?.[0]),
    headers,
    text: bodyText(mail, html),
    html,
    attachments: await toAttachments(mail, html, source.raw, source.hints, source.stored),
  };
  return withContentHash(message, source.contentHash);
}
