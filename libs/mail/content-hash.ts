import { createHash } from 'node:crypto';
import { trimTrailingBlanks, trimTrailingLineFeeds } from './text-lines';

/**
 * A fingerprint of a raw message for de-duplication when it has no Message-ID.
 *
 * The same message can reach us with different bytes: another relay adds Received, spam and
 * authentication headers; an IMAP server or mbox export changes line endings or strips trailing
 * whitespace; a mailbox file starts with a "From " separator line. So only the headers that the
 * author's client wrote are kept (and sorted, as relays may reorder), and the body is compared
 * with normalised line endings and trailing whitespace removed.
 */

const IDENTITY_HEADERS = new Set([
  'date',
  'from',
  'sender',
  'reply-to',
  'to',
  'cc',
  'subject',
  'message-id',
  'in-reply-to',
  'references',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
]);

function splitHeaderAndBody(text: string): { header: string; body: string } {
  const match = /\r?\n\r?\n/.exec(text);
  return match
    ? { header: text.slice(0, match.index), body: text.slice(match.index + match[0].length) }
    : { header: text, body: '' };
}

function identityHeaderLines(header: string): string[] {
  const unfolded = header.replace(/\r?\n(?=[ \t])/g, '');
  return unfolded
    .split(/\r?\n/)
    .map((line) => {
      const colon = line.indexOf(':');
      const name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : '';
      return IDENTITY_HEADERS.has(name)
        ? `${name}:${line
            .slice(colon + 1)
            .replace(/\s+/g, ' ')
            .trim()}`
        : null;
    })
    .filter((line): line is string => line !== null)
    .sort();
}

/** The body with CRLF read as LF, trailing blanks cut from each line and trailing line feeds dropped. */
function normaliseBody(body: string): string {
  let normalised = '';
  for (let start = 0; start <= body.length;) {
    const newline = body.indexOf('\n', start);
    const end = newline < 0 ? body.length : newline;
    const lineEnd = newline > start && body.charCodeAt(end - 1) === 0x0d ? end - 1 : end;
    normalised += trimTrailingBlanks(body.slice(start, lineEnd));
    if (newline < 0) {
      break;
    }
    normalised += '\n';
    start = newline + 1;
  }
  return trimTrailingLineFeeds(normalised);
}

/** SHA-256 (hex) of the normalised message. */
export function computeContentHash(raw: Buffer): string {
  // Latin-1 maps every byte to one character, so no byte sequence is lost or merged.
  const text = raw.toString('latin1').replace(/^From [^\n]*\n/, '');
  const { header, body } = splitHeaderAndBody(text);
  const normalised = `${identityHeaderLines(header).join('\n')}\n\n${normaliseBody(body)}`;
  return createHash('sha256').update(normalised, 'latin1').digest('hex');
}
