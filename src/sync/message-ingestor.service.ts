import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { MailAddress, ParsedMessage } from '../../libs/mail/parsed-message';
import { verifySignedMessageId } from '../../libs/mail/signed-message-id';
import { MESSAGE_ID_SECRET } from '../config/message-id-secret';
import { TransactionRunner } from '../database/transaction-runner';
import { isUniqueViolation } from '../database/unique-violation';
import { type InboundEmail, messageIdKey } from '../tickets/inbound-email';
import { MessageAlreadyIngestedError } from '../tickets/ticket-errors';
import { type CreatedTicket, TicketsService } from '../tickets/tickets.service';
import type { IngestOutcome } from './ingested-message.entity';
import { IngestedMessagesRepository, type NewIngestedMessage } from './ingested-messages.repository';
import { bounceNote, type Classification } from './message-classifier';
import { messageKeyOf } from './message-key';
import type { MessageContent } from './message-content';
import { classifySyncError, SyncError } from './sync-error';
import { SyncFailuresRepository } from './sync-failures.repository';
import { SyncStateRepository } from './sync-state.repository';

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

export type IngestResult = { outcome: IngestOutcome | 'duplicate'; ticketId: string | null; reason: string | null };

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
}

interface ParsedItem {
  context: IngestContext;
  message: ParsedMessage;
  content: MessageContent;
  raw: Buffer;
}

/** A message of a batch with its position, ledger key and what it is. */
interface PlannedMessage extends ParsedItem {
  index: number;
  key: string;
  classification: Classification;
}

const DUPLICATE: IngestResult = { outcome: 'duplicate', ticketId: null, reason: 'already-ingested' };

/**
 * Turns one parsed message into exactly one effect: a ticket, a comment, a delivery-failure note, or a
 * recorded reason to ignore it. The ledger row, that effect and the watermark commit in one transaction;
 * the ledger's unique key makes a second ingestion of the same message impossible, even across runs.
 */
@Injectable()
export class MessageIngestor {
  constructor(
    private readonly tickets: TicketsService,
    private readonly ingested: IngestedMessagesRepository,
    private readonly state: SyncStateRepository,
    private readonly failures: SyncFailuresRepository,
    private readonly transactions: TransactionRunner,
    @Inject(MESSAGE_ID_SECRET) private readonly messageIdSecret: string,
  ) {}

  /**
   * Ingests a batch of consecutive messages in one transaction, then moves the watermark past it.
   * Committing a batch at once keeps the per-commit cost off each message; a crash before the commit
   * leaves the whole batch to be fetched again, after it, none.
   *
   * Messages that start a new ticket (or are only to be recorded as ignored) are written together, a
   * run of them in a few statements; a message that may thread onto a ticket (it references a known
   * or signed Message-ID, one from earlier in this batch, or carries a subject token), a bounce and a
   * repeated key go one by one, in UID order, after the run before them is written. If writing a run
   * fails, its messages go one by one instead, each in a savepoint of its own, so one message's failure
   * undoes only its part and goes to the failures list (in the same transaction).
   */
  async ingestBatch(folder: FolderRef, items: BatchItem[]): Promise<BatchResult[]> {
    const { organizationId } = folder;
    const keys = keysOf(items);
    return this.transactions.run(async (manager) => {
      const known = await this.ingested.findExistingKeys(organizationId, presentKeys(keys), manager);
      const threadIds = await this.tickets.knownMessageIds(organizationId, allThreadIdsOf(items), manager);
      const results: BatchResult[] = [];
      const batchIds = new Set<string>();
      const run: PlannedMessage[] = [];
      for (const [index, item] of items.entries()) {
        const key = keys[index];
        if (item.error || !item.message || !item.content || !key) {
          await this.writeRun(organizationId, run, results, known, manager);
          results[index] = await this.fail(item, item.error ?? new SyncError('parse', 'Unreadable message'), manager);
          continue;
        }
        // The same message twice in a batch: whether the second is a duplicate depends on the first.
        if (hasKey(run, key)) await this.writeRun(organizationId, run, results, known, manager);
        if (known.has(key)) {
          results[index] = DUPLICATE;
          continue;
        }
        const planned = {
          index,
          key,
          context: item.context,
          message: item.message,
          content: item.content,
          raw: item.raw,
        };
        const { classification } = item.content;
        if (this.startsNothingKnown(planned, classification, threadIds, batchIds)) {
          run.push({ ...planned, classification });
        } else {
          await this.writeRun(organizationId, run, results, known, manager);
          results[index] = await this.ingestOne(planned, classification, manager);
          if (results[index].outcome !== 'failed') known.add(key);
        }
        const ownId = messageIdKey(item.message.messageId);
        if (ownId) batchIds.add(ownId);
      }
      await this.writeRun(organizationId, run, results, known, manager);
      await this.state.setWatermark(
        organizationId,
        folder.folder,
        { uidValidity: folder.uidValidity, lastUid: lastUidOf(items) },
        manager,
      );
      return results;
    });
  }

  /** Writes the run planned so far, puts each result at its message's place, and empties the run. */
  private async writeRun(
    organizationId: string,
    run: PlannedMessage[],
    results: BatchResult[],
    known: Set<string>,
    manager: EntityManager,
  ): Promise<void> {
    if (run.length === 0) return;
    placeResults(run, await this.ingestRun(organizationId, run, manager), results, known);
    run.length = 0;
  }

  /** Moves the watermark past messages without an effect (e.g. a batch whose messages all vanished). */
  async advancePast(position: MailboxPosition & { organizationId: string }): Promise<void> {
    await this.state.setWatermark(position.organizationId, position.folder, {
      uidValidity: position.uidValidity,
      lastUid: position.uid,
    });
  }

  /** Whether a message with this key was ingested already. */
  isKnown(organizationId: string, key: string): Promise<boolean> {
    return this.ingested.exists(organizationId, key);
  }

  /**
   * The batch's message keys already in the ledger, and keys repeated within it (all but the first), so
   * the sync stores no attachment of a duplicate. Read outside the batch's transaction: the ledger's
   * unique key still decides, and a duplicate missed here only stores content-addressed files again.
   */
  async duplicatesOf(organizationId: string, items: BatchItem[]): Promise<Set<number>> {
    const keys = keysOf(items);
    const present = presentKeys(keys);
    const duplicates = new Set<number>();
    if (present.length === 0) return duplicates;
    const known = await this.ingested.findExistingKeys(organizationId, present);
    for (const [index, key] of keys.entries()) {
      if (key === null) continue;
      if (known.has(key)) duplicates.add(index);
      known.add(key);
    }
    return duplicates;
  }

  /**
   * Ignored mail, or mail that can only start a new ticket: nothing it references (nor its own
   * Message-ID) is known, signed by us or earlier in the batch, and its subject has no ticket token.
   */
  private startsNothingKnown(
    { context, content }: ParsedItem,
    classification: Classification,
    threadIds: Set<string>,
    batchIds: Set<string>,
  ): boolean {
    if (classification.kind === 'ignore') return true;
    if (classification.kind !== 'ticket-mail' || content.subjectTokens.length > 0) return false;
    for (const id of content.threadIds) {
      if (threadIds.has(id) || batchIds.has(id)) return false;
      if (verifySignedMessageId(this.messageIdSecret, id)?.organizationId === context.organizationId) return false;
    }
    return true;
  }

  /** A run of planned messages in a few statements; one by one if that fails. */
  private async ingestRun(
    organizationId: string,
    run: PlannedMessage[],
    manager: EntityManager,
  ): Promise<BatchResult[]> {
    try {
      return await this.transactions.join(manager, async (savepoint) => {
        const created = await this.tickets.createTicketsFromEmails(organizationId, newTicketsOf(run), savepoint);
        const { effects, rows } = runEffects(run, created);
        await this.ingested.insertMany(organizationId, rows, savepoint);
        return effects;
      });
    } catch {
      // Which message is at fault (or raced with another run) is found by going one by one.
      const results: BatchResult[] = [];
      for (const planned of run) results.push(await this.ingestOne(planned, planned.classification, manager));
      return results;
    }
  }

  private async ingestOne(
    planned: ParsedItem & { key: string },
    classification: Classification,
    manager: EntityManager,
  ): Promise<BatchResult> {
    const { context, message, content, raw } = planned;
    try {
      // Tickets publishes its events through the runner's after-commit hooks: nothing is announced for
      // a message whose savepoint rolls back.
      return await this.transactions.join(manager, async (savepoint) => {
        const effect = await this.apply(context, message, content, savepoint);
        await this.ingested.insert(context.organizationId, ledgerRow(planned, effect), savepoint);
        return effect;
      });
    } catch (error) {
      // Another run committed the same message meanwhile: it is theirs.
      if (isUniqueViolation(error) || error instanceof MessageAlreadyIngestedError) return DUPLICATE;
      return this.fail({ context, message, content, raw, error: null }, classifySyncError(error), manager);
    }
  }

  private async fail(item: BatchItem, error: SyncError, manager: EntityManager): Promise<BatchResult> {
    const { context } = item;
    await this.failures.record(
      context.organizationId,
      {
        folder: context.folder,
        uidValidity: context.uidValidity,
        uid: context.uid,
        runId: context.runId,
        errorClass: error.errorClass,
        reason: error.message,
        size: item.raw.length,
        raw: item.raw,
      },
      manager,
    );
    return { outcome: 'failed', ticketId: null, reason: error.message, error };
  }

  private async apply(
    context: IngestContext,
    message: ParsedMessage,
    content: MessageContent,
    manager: EntityManager,
  ): Promise<IngestResult> {
    const { organizationId } = context;
    const { classification } = content;
    if (classification.kind === 'ignore') {
      return { outcome: 'ignored', ticketId: null, reason: classification.reason };
    }
    if (classification.kind === 'bounce') {
      const ticketId = classification.originalMessageId
        ? await this.findThread(organizationId, [classification.originalMessageId], manager)
        : null;
      if (!ticketId) return { outcome: 'ignored', ticketId: null, reason: classification.reason };
      await this.tickets.addSystemNote(organizationId, ticketId, bounceNote(classification, message.subject), manager);
      return { outcome: 'bounce-noted', ticketId, reason: classification.reason };
    }
    const sender = message.from;
    if (!sender) return { outcome: 'ignored', ticketId: null, reason: 'no-sender-address' };
    const input = toInboundEmail(message, content, sender, context.supportAddress);
    const threadTicket =
      (await this.findThread(organizationId, content.referencedIds, manager)) ??
      (await this.findByToken(organizationId, content.subjectTokens, sender.address, manager));
    if (threadTicket) {
      const comment = await this.tickets.addEmailComment(organizationId, threadTicket, input, manager);
      return { outcome: comment.createdTicket ? 'ticket' : 'comment', ticketId: comment.ticketId, reason: null };
    }
    const created = await this.tickets.createTicketFromEmail(organizationId, input, manager);
    return { outcome: 'ticket', ticketId: created.ticketId, reason: null };
  }

  /** A reference to any message of a ticket: one we received, or one we sent (signed by us). */
  private async findThread(organizationId: string, ids: string[], manager: EntityManager): Promise<string | null> {
    if (ids.length === 0) return null;
    const known = await this.tickets.findTicketByMessageIds(organizationId, ids, manager);
    if (known) return known.ticketId;
    for (const id of ids) {
      const claims = verifySignedMessageId(this.messageIdSecret, id);
      if (claims?.organizationId !== organizationId) continue;
      if (await this.tickets.ticketExists(organizationId, claims.ticketId, manager)) return claims.ticketId;
    }
    return null;
  }

  /** A subject token threads only mail from the ticket's requester or a participant. */
  private async findByToken(organizationId: string, tokens: number[], sender: string, manager: EntityManager) {
    for (const number of tokens) {
      const ticket = await this.tickets.findTicketForToken(organizationId, number, sender, manager);
      if (ticket) return ticket.ticketId;
    }
    return null;
  }
}

/*
 * The helpers below run for every message of a sync. They are loops in module-level functions rather
 * than arrows made per call, whose optimized code V8 drops at each full GC, or loops inside the async
 * methods, which would get those compiled whole (docs/ARCHITECTURE.md, "Hot paths").
 */

function keysOf(items: BatchItem[]): (string | null)[] {
  const keys: (string | null)[] = [];
  for (const item of items) keys.push(item.message ? messageKeyOf(item.message) : null);
  return keys;
}

function presentKeys(keys: (string | null)[]): string[] {
  const present: string[] = [];
  for (const key of keys) if (key !== null) present.push(key);
  return present;
}

function hasKey(run: PlannedMessage[], key: string): boolean {
  for (const planned of run) if (planned.key === key) return true;
  return false;
}

function lastUidOf(items: BatchItem[]): number {
  let last = -Infinity;
  for (const item of items) last = Math.max(last, item.context.uid);
  return last;
}

/** The run's mail that starts tickets, as Tickets takes it, in the run's order. */
function newTicketsOf(run: PlannedMessage[]): InboundEmail[] {
  const emails: InboundEmail[] = [];
  for (const { classification, content, context, message } of run) {
    if (classification.kind === 'ticket-mail')
      emails.push(toInboundEmail(message, content, message.from!, context.supportAddress));
  }
  return emails;
}

/** Puts each written message's result at its place in the batch; what did not fail is now known. */
function placeResults(run: PlannedMessage[], written: BatchResult[], results: BatchResult[], known: Set<string>): void {
  for (const [at, result] of written.entries()) {
    results[run[at].index] = result;
    if (result.outcome !== 'failed') known.add(run[at].key);
  }
}

/**
 * What each message of a written run became, and its ledger row. A run holds ignored mail and
 * new-ticket mail only; the tickets come back in the run's order.
 */
function runEffects(
  run: PlannedMessage[],
  created: CreatedTicket[],
): { effects: IngestResult[]; rows: NewIngestedMessage[] } {
  const effects: IngestResult[] = [];
  const rows: NewIngestedMessage[] = [];
  let next = 0;
  for (const planned of run) {
    const { classification } = planned;
    const effect: IngestResult =
      classification.kind === 'ignore'
        ? { outcome: 'ignored', ticketId: null, reason: classification.reason }
        : { outcome: 'ticket', ticketId: created[next++].ticketId, reason: null };
    effects.push(effect);
    rows.push(ledgerRow(planned, effect));
  }
  return { effects, rows };
}

/** Every Message-ID the batch's messages carry or reference. */
function allThreadIdsOf(items: BatchItem[]): string[] {
  const ids: string[] = [];
  for (const item of items) if (item.content) ids.push(...item.content.threadIds);
  return ids;
}

function ledgerRow(
  { context, message, raw, key }: ParsedItem & { key: string },
  effect: IngestResult,
): NewIngestedMessage {
  return {
    messageKey: key,
    folder: context.folder,
    uidValidity: context.uidValidity,
    uid: context.uid,
    runId: context.runId,
    outcome: effect.outcome as IngestOutcome,
    reason: effect.reason,
    ticketId: effect.ticketId,
    fromAddress: message.from?.address.slice(0, 320) ?? null,
    subject: message.subject.slice(0, 500),
    rawKey: context.rawKey,
    raw: context.rawKey ? null : raw,
  };
}

/**
 * The message as Tickets takes it: the visible reply and the sanitized HTML (both made on a content
 * worker), and the people on it other than us and the sender.
 */
function toInboundEmail(
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
