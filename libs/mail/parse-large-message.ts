import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { MailParser, type AttachmentStream, type HeaderLines, type ParsedMail } from 'mailparser';
import { collectCharsetHints, headerBlockEnd, repairHeaderBytes } from './charset-repair';
import { computeContentHash } from './content-hash';
import { checkAttachmentCount, type MessageLimits, withLimits } from './message-limits';
import { asParseError, MessageParseError, PARSER_OPTIONS, toParsedMessage, type StoredParts } from './parse-message';
import { partContentType } from './part-fields';
import type { ParsedMessage } from './parsed-message';

/** Stores a part's bytes as they stream by; resolves with their address (SHA-256) and size. */
export type ContentSink = (content: Readable) => Promise<{ key: string; size: number }>;

/** Parts read into memory even in a large message: small, and what bounce detection reads. */
const IN_MEMORY_TYPES = new Set([
  'message/delivery-status',
  'message/global-delivery-status',
  'text/rfc822-headers',
  'message/global-headers',
  'message/feedback-report',
  'message/disposition-notification',
]);

/** A header block longer than this is not a message we can read (mailparser's own limit is 1 MB). */
const MAX_HEADER_BYTES = 2 * 1024 * 1024;

interface MutableMail {
  attachments: ParsedMail['attachments'];
  headers?: ParsedMail['headers'];
  headerLines?: HeaderLines;
  text?: string;
  html?: string | false;
  [key: string]: unknown;
}

/**
 * Parses a message too large to hold in memory from a stream of its raw bytes: every attachment
 * (except the small machine-readable parts bounce detection needs) goes straight into `store` and
 * comes back with `storedAs` set and empty `content`; only the text, the HTML and the headers are
 * held. The result matches `parseMessage` except that header parameters are repaired from the top
 * header block only, and `contentHash` is derived from that block and `rawKey` (the SHA-256 of the
 * whole raw message) rather than from a normalised body.
 */
export async function parseLargeMessage(
  raw: Readable,
  rawKey: string,
  store: ContentSink,
  limits?: MessageLimits,
): Promise<ParsedMessage> {
  const chunks = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const { header, rest } = await splitHeaderBlock(chunks);
  const hints = collectCharsetHints(header);
  const repaired = repairHeaderBytes(header, hints);
  const input = Readable.from(
    (async function* () {
      yield repaired;
      if (rest.length > 0) yield rest;
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
    })(),
  );
  const stored: StoredParts = new Map();
  const mail = await readStreaming(input, store, stored, limits);
  checkAttachmentCount(mail.attachments.length, limits);
  return toParsedMessage(mail, { raw: header, hints, contentHash: () => largeMessageHash(header, rawKey), stored });
}

/** The `contentHash` of a streamed message: from its header block and the SHA-256 of all its bytes. */
export function largeMessageHash(header: Buffer, rawKey: string): string {
  return createHash('sha256').update(computeContentHash(header)).update(rawKey).digest('hex');
}

/** The top header block of a raw message stream (read no further than needed; the stream is then closed). */
export async function readHeaderBlock(raw: Readable): Promise<Buffer> {
  try {
    return (await splitHeaderBlock(raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>)).header;
  } finally {
    raw.destroy();
  }
}

/** The top header block (with its blank line) and whatever was read past it. */
async function splitHeaderBlock(chunks: AsyncIterator<Buffer>): Promise<{ header: Buffer; rest: Buffer }> {
  let read = Buffer.alloc(0);
  for (;;) {
    const end = headerBlockEnd(read);
    if (end < read.length) {
      const blank = read
        .subarray(end, end + 4)
        .toString('latin1')
        .startsWith('\r\n\r\n')
        ? 4
        : 2;
      return { header: read.subarray(0, end + blank), rest: read.subarray(end + blank) };
    }
    if (read.length > MAX_HEADER_BYTES) throw new MessageParseError('the header block is over 2 MB');
    const next = await chunks.next();
    if (next.done) return { header: read, rest: Buffer.alloc(0) };
    read = Buffer.concat([read, next.value]);
  }
}

/** simpleParser's reading loop, with attachments streamed to `store` instead of buffered. */
function readStreaming(
  input: Readable,
  store: ContentSink,
  stored: StoredParts,
  limits: MessageLimits | undefined,
): Promise<ParsedMail> {
  return new Promise<ParsedMail>((resolve, reject) => {
    const parser = new MailParser(withLimits(PARSER_OPTIONS, limits));
    const mail: MutableMail = { attachments: [] };
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      input.destroy();
      parser.destroy();
      reject(asParseError(error, limits));
    };
    parser.on('error', fail);
    parser.on('headers', (headers) => {
      mail.headers = headers;
      mail.headerLines = (parser as unknown as { headerLines: HeaderLines }).headerLines;
    });
    let reading = false;
    const read = () => {
      reading = true;
      const data = parser.read() as AttachmentStream | { type: 'text'; text?: string; html?: string | false } | null;
      if (data === null) {
        reading = false;
        return;
      }
      if (data.type === 'text') {
        mail.text = data.text;
        mail.html = data.html;
        read();
        return;
      }
      const part = data as AttachmentStream;
      const attachment = part as unknown as ParsedMail['attachments'][number];
      mail.attachments.push(attachment);
      try {
        // Before its bytes are stored: a message with thousands of parts stops at the first one over.
        checkAttachmentCount(mail.attachments.length, limits);
      } catch (error) {
        fail(error);
        return;
      }
      const done = (content: Buffer) => {
        attachment.content = content;
        part.release?.();
        read();
      };
      if (IN_MEMORY_TYPES.has(partContentType(part))) {
        collect(part.content as Readable).then(done, fail);
      } else {
        store(part.content as Readable).then((where) => {
          stored.set(attachment, where);
          done(Buffer.alloc(0));
        }, fail);
      }
    };
    parser.on('readable', () => {
      if (!reading) read();
    });
    parser.on('end', () => {
      if (settled) return;
      for (const key of [
        'subject',
        'references',
        'date',
        'to',
        'from',
        'cc',
        'bcc',
        'message-id',
        'in-reply-to',
        'reply-to',
      ]) {
        if (mail.headers?.has(key))
          mail[key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = mail.headers.get(key);
      }
      settled = true;
      resolve(mail as unknown as ParsedMail);
    });
    input.once('error', fail);
    input.pipe(parser);
  });
}

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}
