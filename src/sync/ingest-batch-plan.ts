import type { MailAddress, ParsedMessage } from '../../libs/mail/parsed-message';
import type { InboundEmail } from '../tickets/inbound-email';
import type { CreatedTicket } from '../tickets/tickets.service';
import type { IngestOutcome } from './ingested-message.entity';
import type { KnownMessage, NewIngestedMessage } from './ingested-messages.repository';
import { duplicateKey, identify, type LedgerKeys, ledgerKeysOf } from './ledger-keys';
import type { Classification } from './message-classifier';
import type { MessageContent } from './message-content';
import type { SyncError } from './sync-error';
import type { RunTotals } from './sync-state.repository';

/*
 * What a sync batch is made of, and the steps of planning and recording it that need no database: the
 * MessageIngestor runs them for every message.
 */

/** Where a message came from, so the watermark can move in the same transaction. */
export interface MailboxPosition {
  folder: string;
  uidValidity: string;
  uid: number;
}

export interface IngestContext extends MailboxPosition {
  organizationId: string;
  runId: string | null;
  supportAddress: string | null;
  rawKey: string | null;
}

export type IngestResult = { outcome: IngestOutcome; ticketId: string | null; reason: string | null };

export type BatchResult = IngestResult | { outcome: 'failed'; ticketId: null; reason: string; error: SyncError };

export interface FolderRef {
  organizationId: string;
  folder: string;
  uidValidity: string;
}

/** A fetched message: processed (parsed, with its content described), or with the error that kept it from that. */
export interface BatchItem {
  context: IngestContext;
  message: ParsedMessage | null;
  content: MessageContent | null;
  raw: Buffer;
  error: SyncError | null;
  /** When the mail server received it (IMAP INTERNALDATE); unknown for streamed and retried messages. */
  arrivedAt?: Date | null;
}

export interface ParsedItem {
  context: IngestContext;
  message: ParsedMessage;
  content: MessageContent;
  raw: Buffer;
}

/** A message of a batch with its position, ledger key and what it is. */
export interface PlannedMessage extends ParsedItem {
  index: number;
  /** The key its ledger row is written under. */
  key: string;
  /** Its Message-ID's plain key (or hash key): what a later copy or reuse of it is compared by. */
  primary: string;
  contentHash: string;
  classification: Classification;
  /** Another message already has its Message-ID (see LedgerKeys). */
  messageIdTaken: boolean;
  /** A copy of a message already taken: that message's ticket (null when it made none). */
  duplicateOf?: KnownMessage;
}

/** A copy of a message already taken: ignored, and recorded with the ticket it duplicates. */
export const DUPLICATE_COPY: Classification = { kind: 'ignore', reason: 'duplicate' };
/** A copy of a message another run took at the same moment, whose row could not be read back. */
export const UNKNOWN_TICKET: KnownMessage = { contentHash: null, ticketId: null };

/*
 * The helpers below run for every message of a sync. They are loops in module-level functions rather
 * than arrows made per call, whose optimized code V8 drops at each full GC, or loops inside the async
 * methods, which would get those compiled whole (docs/ARCHITECTURE.md, "Hot paths").
 */

export function keysOf(items: BatchItem[]): (LedgerKeys | null)[] {
  const keys: (LedgerKeys | null)[] = [];
  for (const item of items) keys.push(item.message ? ledgerKeysOf(item.message) : null);
  return keys;
}

/** Every key the batch's messages may already be in the ledger under. */
export function lookupKeys(keys: (LedgerKeys | null)[]): string[] {
  const present: string[] = [];
  for (const key of keys) {
    if (key === null) continue;
    present.push(key.primary);
    if (key.reused) present.push(key.reused);
  }
  return present;
}

export function hasPrimary(run: PlannedMessage[], primary: string): boolean {
  for (const planned of run) if (planned.primary === primary) return true;
  return false;
}

/** The message with what the ledger makes of it; a copy is planned as ignored, under a key of its own. */
export function plan(
  index: number,
  item: ParsedItem,
  keys: LedgerKeys,
  known: Map<string, KnownMessage>,
): PlannedMessage {
  const identity = identify(keys, known);
  const planned: PlannedMessage = {
    ...item,
    index,
    key: identity.kind === 'new' ? identity.key : duplicateKey(),
    primary: keys.primary,
    contentHash: keys.contentHash,
    classification: DUPLICATE_COPY,
    messageIdTaken: identity.kind === 'new' && identity.messageIdTaken,
  };
  if (identity.kind === 'duplicate') planned.duplicateOf = identity.of;
  return planned;
}

/** What a written message makes known to the rest of the batch (a failed one nothing). */
export function remember(known: Map<string, KnownMessage>, planned: PlannedMessage, result: BatchResult): void {
  if (result.outcome === 'failed' || planned.duplicateOf) return;
  known.set(planned.key, { contentHash: planned.contentHash, ticketId: result.ticketId });
}

export function duplicateEffect(original: KnownMessage): IngestResult {
  return { outcome: 'ignored', ticketId: original.ticketId, reason: 'duplicate' };
}

/** How many of the batch's messages became what (fetched: all of them). */
export function countOutcomes(results: BatchResult[]): RunTotals {
  const counts: RunTotals = { fetched: results.length, tickets: 0, comments: 0, ignored: 0, failed: 0 };
  for (const { outcome } of results) {
    if (outcome === 'ticket') counts.tickets += 1;
    else if (outcome === 'comment') counts.comments += 1;
    else if (outcome === 'failed') counts.failed += 1;
    else counts.ignored += 1;
  }
  return counts;
}

export function lastUidOf(items: BatchItem[]): number {
  let last = -Infinity;
  for (const item of items) last = Math.max(last, item.context.uid);
  return last;
}

/** The run's mail that starts tickets, as Tickets takes it, in the run's order. */
export function newTicketsOf(run: PlannedMessage[]): InboundEmail[] {
  const emails: InboundEmail[] = [];
  for (const { classification, content, context, message, messageIdTaken } of run) {
    if (classification.kind === 'ticket-mail')
      emails.push({ ...toInboundEmail(message, content, message.from!, context.supportAddress), messageIdTaken });
  }
  return emails;
}

/** Puts each written message's result at its place in the batch, and remembers what it made known. */
export function placeResults(
  run: PlannedMessage[],
  written: BatchResult[],
  results: BatchResult[],
  known: Map<string, KnownMessage>,
): void {
  for (const [at, result] of written.entries()) {
    results[run[at].index] = result;
    remember(known, run[at], result);
  }
}

/**
 * What each message of a written run became, and its ledger row. A run holds ignored mail and
 * new-ticket mail only; the tickets come back in the run's order.
 */
export function runEffects(
  run: PlannedMessage[],
  created: CreatedTicket[],
): { effects: IngestResult[]; rows: NewIngestedMessage[] } {
  const effects: IngestResult[] = [];
  const rows: NewIngestedMessage[] = [];
  let next = 0;
  for (const planned of run) {
    const { classification, duplicateOf } = planned;
    const effect: IngestResult = duplicateOf
      ? duplicateEffect(duplicateOf)
      : classification.kind === 'ignore'
        ? { outcome: 'ignored', ticketId: null, reason: classification.reason }
        : { outcome: 'ticket', ticketId: created[next++].ticketId, reason: null };
    effects.push(effect);
    rows.push(ledgerRow(planned, effect));
  }
  return { effects, rows };
}

/** Every Message-ID the batch's messages carry or reference. */
export function allThreadIdsOf(items: BatchItem[]): string[] {
  const ids: string[] = [];
  for (const item of items) if (item.content) ids.push(...item.content.threadIds);
  return ids;
}

/** Where a ledger row's message was, and what it became. */
function rowBase(context: IngestContext, effect: IngestResult) {
  return {
    folder: context.folder,
    uidValidity: context.uidValidity,
    uid: context.uid,
    runId: context.runId,
    outcome: effect.outcome,
    reason: effect.reason,
    ticketId: effect.ticketId,
  };
}

/** The ledger row of a copy known only by its keys: nothing of it was read but that it came. */
export function copyRow(context: IngestContext, contentHash: string, effect: IngestResult): NewIngestedMessage {
  const nothingRead = { fromAddress: null, subject: null, rawKey: null, raw: null };
  return { messageKey: duplicateKey(), contentHash, ...rowBase(context, effect), ...nothingRead };
}

export function ledgerRow(planned: PlannedMessage, effect: IngestResult): NewIngestedMessage {
  const { context, message, raw, key, duplicateOf } = planned;
  // A copy's bytes are the original's (or in storage already): the row only records that it came.
  const keepsBytes = !duplicateOf;
  return {
    messageKey: key,
    contentHash: planned.contentHash,
    ...rowBase(context, effect),
    fromAddress: message.from?.address.slice(0, 320) ?? null,
    subject: message.subject.slice(0, 500),
    rawKey: keepsBytes ? context.rawKey : null,
    raw: keepsBytes && !context.rawKey ? raw : null,
  };
}

/**
 * The message as Tickets takes it: the visible reply and the sanitized HTML (both made on a content
 * worker), and the people on it other than us and the sender.
 */
export function toInboundEmail(
  message: ParsedMessage,
  content: MessageContent,
  sender: MailAddress,
  supportAddress: string | null,
): InboundEmail {
  const fullText = message.text ?? '';
  const others: MailAddress[] = [];
  for (const person of [...message.to, ...message.cc]) {
    if (person.address !== supportAddress && person.address !== sender.address) others.push(person);
  }
  return {
    subject: message.subject,
    from: sender,
    cc: others,
    messageId: message.messageId,
    text: content.visibleText || fullText,
    html: message.html,
    safeHtml: content.safeHtml,
    fullText,
    attachments: message.attachments,
    receivedAt: message.date,
  };
}

/** When each message of a committed batch that became a ticket or a comment arrived (where known). */
export function arrivalsOf(items: BatchItem[], results: BatchResult[]): Date[] {
  const arrivals: Date[] = [];
  for (let index = 0; index < items.length; index += 1) {
    const arrivedAt = items[index]?.arrivedAt;
    const outcome = results[index]?.outcome;
    if (arrivedAt && (outcome === 'ticket' || outcome === 'comment')) arrivals.push(arrivedAt);
  }
  return arrivals;
}
