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

const EMAIL = /[^\s<>;:"'(),[\]]+@[^\s<>;:"'(),[\]]+\.[a-z0-9-]{2,}/i;

function cleanAddress(text: string): string | null {
  const match = EMAIL.exec(text);
  return match ? match[0].replace(/\.$/, '').toLowerCase() : null;
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

const RECIPIENT_PATTERNS = [
  // Postfix, qmail, Exim "<user@example.com>: reason"
  /^\s*<([^<>\s]+@[^<>\s]+)>\s*:?/,
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
  for (const line of text.split(/\r?\n/).slice(0, 80)) {
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
