import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ParsedMessage } from '../../libs/mail/parsed-message';
import { verifySignedMessageId } from '../../libs/mail/signed-message-id';
import { DomainEventPublisher } from '../database/domain-event-publisher';
import { MESSAGE_ID_SECRET } from '../config/message-id-secret';
import { TransactionRunner } from '../database/transaction-runner';
import { isUniqueViolation } from '../database/unique-violation';
import { messageIdKey } from '../../libs/mail/message-id';
import { MessageAlreadyIngestedError } from '../tickets/ticket-errors';
import { TicketsService } from '../tickets/tickets.service';
import { IngestedMessagesRepository, type KnownMessage } from './ingested-messages.repository';
import { duplicateKey, identify, type LedgerKeys } from './ledger-keys';
import { bounceNote, type Classification } from './message-classifier';
import type { MessageContent } from './message-content';
import { classifySyncError, SyncError } from './sync-error';
import { SyncFailuresRepository } from './sync-failures.repository';
import { SyncRunsRepository } from './sync-runs.repository';
import { SyncStateRepository } from './sync-state.repository';
import {
  type MailboxPosition,
  type IngestContext,
  type IngestResult,
  type BatchResult,
  type FolderRef,
  type BatchItem,
  type ParsedItem,
  type PlannedMessage,
  UNKNOWN_TICKET,
  keysOf,
  lookupKeys,
  hasPrimary,
  plan,
  remember,
  duplicateEffect,
  countOutcomes,
  lastUidOf,
  newTicketsOf,
  placeResults,
  runEffects,
  allThreadIdsOf,
  ledgerRow,
  copyRow,
  toInboundEmail,
} from './ingest-batch-plan';

export type {
  BatchItem,
  BatchResult,
  FolderRef,
  IngestContext,
  IngestResult,
  MailboxPosition,
} from './ingest-batch-plan';

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
    private readonly runs: SyncRunsRepository,
    private readonly transactions: TransactionRunner,
    private readonly events: DomainEventPublisher,
    @Inject(MESSAGE_ID_SECRET) private readonly messageIdSecret: string,
  ) {}

  private readonly logger = new Logger(MessageIngestor.name);

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
      const known = await this.ingested.findKnown(organizationId, lookupKeys(keys), manager);
      const threadIds = await this.tickets.knownMessageIds(organizationId, allThreadIdsOf(items), manager);
      const results: BatchResult[] = [];
      const batchIds = new Set<string>();
      const run: PlannedMessage[] = [];
      for (const [index, item] of items.entries()) {
        const itemKeys = keys[index];
        if (item.error || !item.message || !item.content || !itemKeys) {
          await this.writeRun(organizationId, run, results, known, manager);
          results[index] = await this.fail(item, item.error ?? new SyncError('parse', 'Unreadable message'), manager);
          continue;
        }
        // The same Message-ID twice in a batch: what the second is depends on the first being written.
        if (hasPrimary(run, itemKeys.primary)) await this.writeRun(organizationId, run, results, known, manager);
        const planned = plan(index, item as ParsedItem, itemKeys, known);
        if (planned.duplicateOf) {
          run.push(planned);
          continue;
        }
        planned.classification = planned.content.classification;
        if (this.startsNothingKnown(planned, planned.classification, threadIds, batchIds)) {
          run.push(planned);
        } else {
          await this.writeRun(organizationId, run, results, known, manager);
          results[index] = await this.ingestOne(planned, manager);
          remember(known, planned, results[index]);
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
      await this.count(organizationId, items, results, manager);
      return results;
    });
  }

  /**
   * Counts what the batch became, in its transaction: the run's counts and the all-time totals move with
   * what commits, so `fetched = tickets + comments + ignored + failed` holds at every moment. A retried
   * failure (no run) was counted as failed when it was fetched: it moves from there to its new outcome.
   */
  private async count(
    organizationId: string,
    items: BatchItem[],
    results: BatchResult[],
    manager: EntityManager,
  ): Promise<void> {
    const counts = countOutcomes(results);
    const runId = items[0]?.context.runId ?? null;
    if (runId) {
      await this.runs.addCounts(organizationId, runId, counts, manager);
    } else {
      counts.fetched = 0;
      counts.failed -= items.length;
    }
    await this.state.addTotals(organizationId, counts, manager);
  }

  /** Writes the run planned so far, puts each result at its message's place, and empties the run. */
  private async writeRun(
    organizationId: string,
    run: PlannedMessage[],
    results: BatchResult[],
    known: Map<string, KnownMessage>,
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

  /**
   * Which of the batch's messages are copies of one already taken, or of one earlier in the batch, so the
   * sync stores none of their attachments. Read outside the batch's transaction: the ledger's unique key
   * still decides, and a copy missed here only stores content-addressed files again.
   */
  async duplicatesOf(organizationId: string, items: BatchItem[]): Promise<Set<number>> {
    const keys = keysOf(items);
    const duplicates = new Set<number>();
    const wanted = lookupKeys(keys);
    if (wanted.length === 0) return duplicates;
    const known = await this.ingested.findKnown(organizationId, wanted);
    const seen = new Set<string>();
    for (const [index, key] of keys.entries()) {
      if (key === null) continue;
      const identity = `${key.primary}\n${key.contentHash}`;
      if (seen.has(identity) || identify(key, known).kind === 'duplicate') duplicates.add(index);
      seen.add(identity);
    }
    return duplicates;
  }

  /** What the ledger makes of a message known only by its keys (a large one, before it is streamed). */
  async copyOf(organizationId: string, keys: LedgerKeys): Promise<KnownMessage | null> {
    const known = await this.ingested.findKnown(organizationId, lookupKeys([keys]));
    const identity = identify(keys, known);
    return identity.kind === 'duplicate' ? identity.of : null;
  }

  /**
   * Records a copy of a message already taken that was not processed (a large one, recognised from its
   * header block): ignored as a duplicate, counted, and the watermark moved past it, in one transaction.
   */
  async recordCopy(context: IngestContext, of: KnownMessage, contentHash: string): Promise<void> {
    const { organizationId } = context;
    await this.transactions.run(async (manager) => {
      const effect = duplicateEffect(of);
      await this.ingested.insert(organizationId, copyRow(context, contentHash, effect), manager);
      await this.state.setWatermark(
        organizationId,
        context.folder,
        { uidValidity: context.uidValidity, lastUid: context.uid },
        manager,
      );
      const counts = countOutcomes([effect]);
      if (context.runId) await this.runs.addCounts(organizationId, context.runId, counts, manager);
      await this.state.addTotals(organizationId, counts, manager);
    });
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
      for (const planned of run) results.push(await this.ingestOne(planned, manager));
      return results;
    }
  }

  private async ingestOne(planned: PlannedMessage, manager: EntityManager): Promise<BatchResult> {
    const { context, message } = planned;
    try {
      // Tickets publishes its events through the runner's after-commit hooks: nothing is announced for
      // a message whose savepoint rolls back.
      return await this.transactions.join(manager, async (savepoint) => {
        const effect = planned.duplicateOf
          ? duplicateEffect(planned.duplicateOf)
          : await this.apply(context, message, planned.content, savepoint, planned.messageIdTaken);
        await this.ingested.insert(context.organizationId, ledgerRow(planned, effect), savepoint);
        return effect;
      });
    } catch (error) {
      return this.recover(planned, error, manager);
    }
  }

  /**
   * Another run committed the same message meanwhile (the ledger's unique key): a copy of theirs. A
   * ticket already holds its Message-ID though the ledger did not know it: made without claiming it.
   * Anything else goes to the failures list, an unexpected error loudly.
   */
  private async recover(planned: PlannedMessage, error: unknown, manager: EntityManager): Promise<BatchResult> {
    const { context } = planned;
    if (isUniqueViolation(error) && !planned.duplicateOf) {
      const [theirs] = (await this.ingested.findKnown(context.organizationId, [planned.key], manager)).values();
      return this.ingestOne({ ...planned, key: duplicateKey(), duplicateOf: theirs ?? UNKNOWN_TICKET }, manager);
    }
    if (error instanceof MessageAlreadyIngestedError && !planned.messageIdTaken) {
      return this.ingestOne({ ...planned, messageIdTaken: true }, manager);
    }
    const failure = classifySyncError(error);
    if (failure.errorClass === 'internal') {
      this.logger.error(
        { err: error, organizationId: context.organizationId, uid: context.uid, runId: context.runId },
        'Unexpected error while ingesting a message; it is in the failures list',
      );
    }
    const { message, content, raw } = planned;
    return this.fail({ context, message, content, raw, error: null }, failure, manager);
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
    // Alerts listen: a message in the failures list is something an admin must look at.
    this.events.publishAfterCommit(manager, 'sync.message.failed', {
      organizationId: context.organizationId,
      folder: context.folder,
      uid: context.uid,
      errorClass: error.errorClass,
      reason: error.message,
    });
    return { outcome: 'failed', ticketId: null, reason: error.message, error };
  }

  private async apply(
    context: IngestContext,
    message: ParsedMessage,
    content: MessageContent,
    manager: EntityManager,
    messageIdTaken: boolean,
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
    const input = { ...toInboundEmail(message, content, sender, context.supportAddress), messageIdTaken };
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
