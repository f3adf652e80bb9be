import { headerBlockEnd } from './charset-repair';
import { normaliseMessageId } from './message-id';

/**
 * Readers for the machine-readable pieces of a bounce: the RFC 3464 delivery-status report,
 * the returned original message (or only its headers), and the free text that MTAs without
 * DSN support write instead.
 */

export interface DeliveryStatusRecipient {
  address: string;
  /** failed, delayed, delivered, relayed or expanded; '' when the report omits it. */
  action: string;
}

/** What may not appear inside an address token: whitespace and the punctuation around addresses. */
const ADDRESS_DELIMITERS = /[\s<>;:"'(),[\]]+/;

function isTopLevelDomainChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x2d
  );
}

/**
 * The address in one token, as the pattern `[^…]+@[^…]+\.[a-z0-9-]{2,}` would match it, found by
 * scanning instead: that pattern backtracks over every `@` and `.` of the token for every start
 * position (a `Final-Recipient: a@a@a@…` of 10 KB took over a minute). Its greedy parts take the
 * last dot that is followed by two domain characters, and the last `@` at least two characters
 * before that dot.
 */
function addressInToken(token: string): string | null {
  let dot = token.length - 3;
  while (
    dot >= 2 &&
    !(
      token.charCodeAt(dot) === 0x2e &&
      isTopLevelDomainChar(token.charCodeAt(dot + 1)) &&
      isTopLevelDomainChar(token.charCodeAt(dot + 2))
    )
  ) {
    dot--;
  }
  if (dot < 2 || token.lastIndexOf('@', dot - 2) < 1) {
    return null;
  }
  let end = dot + 3;
  while (end < token.length && isTopLevelDomainChar(token.charCodeAt(end))) {
    end++;
  }
  return token.slice(0, end);
}

/** The first address in `text`, lower-cased. */
function cleanAddress(text: string): string | null {
  for (const token of text.split(ADDRESS_DELIMITERS)) {
    const address = addressInToken(token);
    if (address) {
      return address.toLowerCase();
    }
  }
  return null;
}

/**
 * Per-recipient fields of a message/delivery-status body (RFC 3464 §2.3). Recipient blocks are
 * separated by blank lines, but broken reports omit those, so a new Final-Recipient also starts
 * a block.
 */
export function parseDeliveryStatus(report: string): DeliveryStatusRecipient[] {
  const recipients: DeliveryStatusRecipient[] = [];
  let block = new Map<string, string>();
  const flush = (): void => {
    const address = cleanAddress(block.get('final-recipient') ?? block.get('original-recipient') ?? '');
    if (address) {
      recipients.push({ address, action: (block.get('action') ?? '').toLowerCase() });
    }
    block = new Map();
  };
  for (const line of report.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const field = /^([A-Za-z-]+)\s*:\s*(.*)$/.exec(line.trim());
    if (!field) {
      if (line.trim() === '') {
        flush();
      }
      continue;
    }
    const key = field[1].toLowerCase();
    if (key === 'final-recipient' && block.has('final-recipient')) {
      flush();
    }
    if (!block.has(key)) {
      block.set(key, field[2].trim());
    }
  }
  flush();
  return recipients;
}

/** The Message-ID from the header block at the start of `text` (a returned message or its headers). */
export function messageIdFromHeaderBlock(content: Buffer): string | null {
  const header = content.subarray(0, headerBlockEnd(content)).toString('latin1');
  const match = /^message-id[ \t]*:[ \t]*((?:.*)(?:\r?\n[ \t]+.*)*)/im.exec(header);
  return match ? normaliseMessageId(match[1]) : null;
}

/**
 * Fallback for bounces that quote the original inline (qmail, Exim, Domino): the first
 * `Message-ID:` header line in the text, skipping `skipId` (the bounce's own id, which some
 * MTAs repeat in their report).
 */
export function messageIdFromText(text: string, skipId: string | null): string | null {
  for (const match of text.matchAll(/^[ \t>]*message-id[ \t]*:[ \t]*(<[^<>\r\n]+>|\S+@\S+)/gim)) {
    const id = normaliseMessageId(match[1]);
    if (id && id !== skipId) {
      return id;
    }
  }
  return null;
}

/** Header lines that start the quoted original in a plain-text bounce; recipients come before them. */
const QUOTED_ORIGINAL_START = /^(?:received|return-path|from|to|message-id|date|subject|reporting-mta)\s*:/i;

/**
 * Lines of a bounce that name a recipient are short (an address and a reason, under 300 characters
 * in every MTA we know). Only this much of a line is read: several patterns below rescan the rest of
 * the line from each candidate word ("failed", "user"), which on a hostile 30 KB line cost 0.2 s.
 */
const MAX_RECIPIENT_LINE_LENGTH = 1000;

const RECIPIENT_PATTERNS = [
  // Postfix, qmail, Exim "<user@example.com>: reason" (the "@" is checked by cleanAddress: a
  // `[^<>\s]+@[^<>\s]+` here would backtrack over every "@" of a long token)
  /^\s*<([^<>\s]+)>\s*:?/,
  // Exim, Exchange, OpenSMTPD, Zoho: a line that starts with the address ("user@example.com on …")
  /^\s*([^\s<>@:]+@[^\s<>@:]+\.[a-z0-9-]{2,})(?=[\s:,]|$)/i,
  // Gmail, DragonFly: "wasn't delivered to user@…", "error delivering your mail to <user@…>"
  /(?:wasn't|was not|couldn't be|could not be|not) delivered to:?\s*<?([^\s<>]+@[^\s<>]+)/i,
  /deliver(?:ing)? (?:your )?(?:mail|message) to:?\s*<?([^\s<>]+@[^\s<>]+)/i,
  // "Delivery failed 10 attempts: user@example.com"
  /\bfailed\b[^:\n]*:\s*<?([^\s<>]+@[^\s<>]+)/i,
  // Domino, Exchange: "User x (user@example.com) not listed", "To: user@example.com" inside the report
  /\b(?:user|recipient|address)\s[^()]*\(([^()\s]+@[^()\s]+)\)/i,
];

/** Recipient addresses named in the human-readable part of a bounce without a DSN. */
export function recipientsFromText(text: string): string[] {
  const recipients: string[] = [];
  for (const fullLine of text.split(/\r?\n/, 80)) {
    const line = fullLine.slice(0, MAX_RECIPIENT_LINE_LENGTH);
    if (QUOTED_ORIGINAL_START.test(line)) {
      break;
    }
    for (const pattern of RECIPIENT_PATTERNS) {
      const address = pattern.exec(line)?.[1];
      const cleaned = address ? cleanAddress(address) : null;
      if (cleaned && !recipients.includes(cleaned)) {
        recipients.push(cleaned);
      }
    }
  }
  return recipients;
}
