import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { DomainEventPublisher } from '../database/domain-event-publisher';
import { AppConfig } from '../config/app-config';
import type { MailboxSession, MessageRef } from '../mailbox/mailbox.types';
import { MailboxService } from '../mailbox/mailbox.service';
import { EmailSettingsService } from '../settings/email-settings.service';
import { arrivalsOf } from './ingest-batch-plan';
import { BatchItem, BatchResult, MessageIngestor } from './message-ingestor';
import { MessageProcessor } from './message-processor';
import type { SyncTrigger } from './sync-run.entity';
import { CommitPipeline } from './commit-pipeline';
import { type ListedMessage, MailboxCursor } from './mailbox-cursor';
import { classifySyncError, SyncError } from './sync-error';
import { loginToMailbox } from './incoming-login';
import { SyncFailuresRepository } from './sync-failures.repository';
import { oversizedStandIn } from './oversized-message';
import { BatchStorage } from './batch-storage';
import { StorageQuota } from './storage-quota';
import { SyncStateRepository } from './sync-state.repository';
import { SyncRunsRepository } from './sync-runs.repository';
import { countInto, type LiveRun, pastBudget, type RunSummary, summaryOf } from './live-run';
import { LargeMessageIngest } from './large-message-ingest';
import { contentContextOf, type RunTarget, segmentsOf } from './run-target';
import { SyncRunRecorder } from './sync-run-recorder';
import { SyncTurns } from './sync-turns';
import { WatermarkPlanner } from './watermark-planner';

const MB = 1024 * 1024;
/** A transaction commits at most this many messages, or this many bytes of them. */
const COMMIT_BATCH_MESSAGES = 50;
const COMMIT_BATCH_BYTES = 16 * MB;

export interface RunOptions {
  /** When the schedule wanted the run; a request is due at once. */
  dueAt?: Date;
  /** A person asked for it (Sync now, Start): see LiveRun.requested. Manual runs are. */
  requested?: boolean;
}

/**
 * One sync run for one organization: wait for a slot, take the organization's lease, read the
 * watermark, fetch oldest-first in bounded batches, ingest each message exactly once, and record how
 * it went. Safe to call twice: a second call while a run is queued or under way gets that run.
 */
@Injectable()
export class SyncRunner implements BeforeApplicationShutdown {
  private readonly logger = new Logger(SyncRunner.name);
  private readonly live = new Map<string, LiveRun>();

  constructor(
    private readonly config: AppConfig,
    private readonly settings: EmailSettingsService,
    private readonly mailbox: MailboxService,
    private readonly ingestor: MessageIngestor,
    private readonly processor: MessageProcessor,
    private readonly quota: StorageQuota,
    private readonly batchStorage: BatchStorage,
    private readonly large: LargeMessageIngest,
    private readonly state: SyncStateRepository,
    private readonly runs: SyncRunsRepository,
    private readonly failures: SyncFailuresRepository,
    private readonly planner: WatermarkPlanner,
    private readonly recorder: SyncRunRecorder,
    private readonly turns: SyncTurns,
    private readonly events: DomainEventPublisher,
  ) {}

  /** On shutdown, runs stop after their current message and finish recording before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    const runs = [...this.live.values()];
    for (const run of runs) this.stop(run);
    await Promise.all(runs.map((run) => run.done));
  }

  current(organizationId: string): Omit<LiveRun, 'done' | 'unqueue'> | null {
    return this.live.get(organizationId) ?? null;
  }

  /**
   * Asks a run in progress to stop after the message it is on; a queued one does not start. With `reason`
   * the run ends failed with it: it cannot go on (e.g. the mailbox was disconnected).
   */
  requestStop(organizationId: string, reason?: SyncError): void {
    const run = this.live.get(organizationId);
    if (!run) return;
    run.stopError = reason;
    this.stop(run);
  }

  private stop(run: LiveRun): void {
    run.stopRequested = true;
    run.unqueue.abort();
  }

  /**
   * Runs now, or as soon as a slot is free when SYNC_CONCURRENCY runs are under way; waiting runs go
   * in order of `dueAt` (when the schedule wanted them; a request is due at once).
   */
  run(
    organizationId: string,
    trigger: SyncTrigger,
    { dueAt = new Date(), requested = trigger === 'manual' }: RunOptions = {},
  ): { runId: Promise<string | null>; done: Promise<RunSummary> } {
    const existing = this.live.get(organizationId);
    if (existing && existing.finishing) {
      // Mail that arrived before this request may have missed that run's last listing: run again after it.
      const next = existing.done.then(() => this.run(organizationId, trigger, { dueAt, requested }));
      return { runId: next.then((run) => run.runId), done: next.then((run) => run.done) };
    }
    if (existing) {
      existing.relist = true;
      existing.requested ||= requested;
      return { runId: Promise.resolve(existing.runId), done: existing.done };
    }
    let announce: (id: string | null) => void = () => undefined;
    const runId = new Promise<string | null>((resolve) => (announce = resolve));
    const live: LiveRun = {
      runId: null,
      queued: true,
      requested,
      startedAt: new Date(),
      totals: { fetched: 0, tickets: 0, comments: 0, ignored: 0, failed: 0 },
      total: null,
      stopRequested: false,
      budgetEndsAt: Infinity,
      relist: false,
      finishing: false,
      unqueue: new AbortController(),
      done: Promise.resolve(null as unknown as RunSummary),
    };
    live.done = this.inTurn(organizationId, trigger, dueAt, live, announce)
      .catch((error: unknown) => {
        // Never rejects: callers may fire and forget (the scheduler, start), so a failure to record a
        // run (e.g. the database went away) is logged here, once.
        this.logger.error(`Sync run of ${organizationId} could not be recorded: ${(error as Error).message}`);
        return summaryOf(live, 'failed', classifySyncError(error));
      })
      .finally(() => {
        this.live.delete(organizationId);
        announce(live.runId);
      });
    this.live.set(organizationId, live);
    return { runId, done: live.done };
  }

  private async inTurn(
    organizationId: string,
    trigger: SyncTrigger,
    dueAt: Date,
    live: LiveRun,
    announce: (id: string | null) => void,
  ): Promise<RunSummary> {
    const summary = await this.turns.take(organizationId, dueAt, live, () =>
      this.execute(organizationId, trigger, live, announce),
    );
    return summary ?? summaryOf(live, 'skipped', null);
  }

  private async execute(
    organizationId: string,
    trigger: SyncTrigger,
    live: LiveRun,
    announce: (id: string | null) => void,
  ): Promise<RunSummary> {
    let session: MailboxSession | null = null;
    let error: SyncError | null = null;
    await this.recorder.closeInterrupted(organizationId);
    const run = await this.runs.start(organizationId, trigger);
    live.runId = run.id;
    announce(run.id);
    try {
      const incoming = await this.settings.getIncomingConnection(organizationId);
      if (!incoming) throw new SyncError('config', 'Incoming email settings are missing');
      const syncState = await this.state.find(organizationId);
      session = await loginToMailbox(this.settings, organizationId, incoming, (s) => this.mailbox.openSession(s));
      const folder = incoming.folder;
      const position = await this.planner.resolve(organizationId, folder, session, syncState?.since ?? null);
      live.total = position.pending;
      await this.runs.update(organizationId, run.id, { total: position.pending });
      const target = {
        organizationId,
        runId: run.id,
        folder,
        uidValidity: position.uidValidity,
        supportAddress: await this.settings.getSupportAddress(organizationId),
        budget: await this.quota.budget(organizationId),
      };
      await this.drain(session, target, position.lastUid, live, syncState?.markSeen ?? false);
      if (live.stopError) throw live.stopError;
    } catch (caught) {
      error = classifySyncError(caught);
      if (error.errorClass === 'internal') {
        this.logger.error({ err: caught, organizationId, runId: run.id }, 'Sync run failed on an unexpected error');
      } else {
        this.logger.warn(`Sync of organization ${organizationId} failed (${error.errorClass}): ${error.message}`);
      }
    } finally {
      live.finishing = true;
      await session?.close().catch(() => undefined);
    }
    return this.finish(organizationId, run, live, error);
  }

  /**
   * Fetches and ingests everything above the watermark, page by page, strictly in UID order (oversized
   * messages in their place), committing a batch of messages per transaction. The run ends at the
   * first listing of the folder that finds nothing new (MailboxCursor).
   */
  private async drain(
    session: MailboxSession,
    folder: RunTarget,
    fromUid: number,
    live: LiveRun,
    markSeen: boolean,
  ): Promise<void> {
    const pipeline = new CommitPipeline();
    try {
      await this.drainPages(session, folder, fromUid, live, markSeen, pipeline);
    } catch (error) {
      // Whatever ended the run, the batch in flight settles before the run is finished.
      await pipeline.settle();
      throw error;
    }
    await pipeline.drain();
  }

  private async drainPages(
    session: MailboxSession,
    folder: RunTarget,
    fromUid: number,
    live: LiveRun,
    markSeen: boolean,
    pipeline: CommitPipeline,
  ): Promise<void> {
    live.budgetEndsAt = Date.now() + this.config.sync.runBudgetSeconds * 1000;
    const { batchSize, maxMessageBytes, streamMessageBytes } = this.config.sync;
    // Only messages over this can be large or oversized, so only their sizes are read.
    const cursor = new MailboxCursor(session, fromUid, batchSize, Math.min(maxMessageBytes, streamMessageBytes));
    while (!pastBudget(live)) {
      const page = await cursor.nextPage();
      if (page.length === 0) {
        // Decided in the same tick as the check, so a request arriving after it starts a run of its own.
        if (!live.relist) {
          live.finishing = true;
          return;
        }
        live.relist = false;
        continue;
      }
      for (const segment of segmentsOf(page, this.config.sync)) {
        // A large or oversized message commits on its own, after everything before it.
        if (segment.size !== 'normal') await pipeline.drain();
        const done =
          segment.size === 'normal'
            ? await this.ingestSegment(session, folder, segment.refs, live, pipeline)
            : segment.size === 'large'
              ? await this.large.ingest(session, folder, segment.ref, live)
              : await this.ingestOversized(session, folder, segment.ref, live);
        if (markSeen && done.length > 0) {
          // Only what is committed is marked.
          await pipeline.drain();
          await session.markSeen(done);
        }
        if (pastBudget(live)) return;
      }
    }
  }

  /**
   * Downloads, parses and ingests normal-size messages, a bounded batch per transaction, as a pipeline:
   * while one batch is written, the next is fetched and parsed (on the parser's worker threads, when
   * there are any). At most one batch is being written and one read, and they commit strictly in UID
   * order; a failed commit stops the run before anything after it is written. The last batch is left
   * committing in `pipeline`.
   */
  private async ingestSegment(
    session: MailboxSession,
    folder: RunTarget,
    refs: ListedMessage[],
    live: LiveRun,
    pipeline: CommitPipeline,
  ): Promise<number[]> {
    const done: number[] = [];
    let batch: Promise<BatchItem>[] = [];
    let batchBytes = 0;
    for await (const fetched of session.fetchSources(refs.map((ref) => ref.uid))) {
      live.totals.fetched += 1;
      batch.push(this.prepare(folder, fetched.uid, fetched.source, fetched.arrivedAt));
      batchBytes += fetched.source.length;
      done.push(fetched.uid);
      const stopping = pastBudget(live);
      if (batch.length >= COMMIT_BATCH_MESSAGES || batchBytes >= COMMIT_BATCH_BYTES || stopping) {
        const full = batch;
        await pipeline.push(() => this.commitWhenPrepared(folder, full, live));
        batch = [];
        batchBytes = 0;
      }
      if (stopping) break;
    }
    if (batch.length > 0) {
      const last = batch;
      await pipeline.push(() => this.commitWhenPrepared(folder, last, live));
    }
    return done;
  }

  private async commitWhenPrepared(folder: RunTarget, batch: Promise<BatchItem>[], live: LiveRun): Promise<void> {
    await this.commit(folder, await Promise.all(batch), live);
  }

  /**
   * Processes the message on a content worker (parse, classify, strip, sanitize; under the message
   * deadline). A message that cannot be processed keeps its error and goes to the failures list in the commit.
   */
  private async prepare(folder: RunTarget, uid: number, raw: Buffer, arrivedAt: Date | null): Promise<BatchItem> {
    const context = { ...folder, uid, rawKey: null as string | null };
    try {
      const { message, content } = await this.processor.process(raw, contentContextOf(folder));
      return { context, message, content, raw, error: null, arrivedAt };
    } catch (caught) {
      return { context, message: null, content: null, raw, error: classifySyncError(caught), arrivedAt };
    }
  }

  private async commit(folder: RunTarget, batch: BatchItem[], live: LiveRun): Promise<BatchResult[]> {
    // The batch's transaction also adds its counts to the run and the totals; `count` is the live view.
    await this.batchStorage.store(folder.organizationId, folder.budget, batch);
    const results = await this.ingestor.ingestBatch(folder, batch);
    // Committed by now: one event per batch tells when its tickets' and comments' mail arrived.
    const arrivedAt = arrivalsOf(batch, results);
    if (arrivedAt.length > 0) {
      const { organizationId, runId } = folder;
      this.events.publish('sync.messages.committed', { organizationId, runId, committedAt: new Date(), arrivedAt });
    }
    return countInto(live, results);
  }

  /** Over the size limit: the ticket is made from the headers alone, and the admin sees why. */
  private async ingestOversized(
    session: MailboxSession,
    folder: RunTarget,
    ref: MessageRef,
    live: LiveRun,
  ): Promise<number[]> {
    const [headers] = await session.fetchHeaders([ref.uid]);
    if (!headers) return [];
    live.totals.fetched += 1;
    const limitMb = (this.config.sync.maxMessageBytes / MB).toFixed(1);
    const note = `[The body of this message was not downloaded: it is ${(ref.size / MB).toFixed(1)} MB, over the ${limitMb} MB limit. Open it in the mailbox.]`;
    const raw = oversizedStandIn(headers.headers, note);
    const [result] = await this.commit(folder, [await this.prepare(folder, ref.uid, raw, headers.arrivedAt)], live);
    await this.failures.record(folder.organizationId, {
      // The admin can open the ticket the headers became straight from the failures list.
      ticketId: result?.ticketId ?? null,
      folder: folder.folder,
      uidValidity: folder.uidValidity,
      uid: ref.uid,
      runId: folder.runId,
      errorClass: 'too-large',
      reason: note,
      size: ref.size,
      raw: headers.headers,
    });
    this.events.publish('sync.message.failed', {
      organizationId: folder.organizationId,
      folder: folder.folder,
      uid: ref.uid,
      errorClass: 'too-large',
      reason: note,
    });
    // Counted once, as what it became (a ticket from its headers): the failures entry says why it is short.
    return [ref.uid];
  }

  private async finish(
    organizationId: string,
    run: { id: string; trigger: SyncTrigger },
    live: LiveRun,
    error: SyncError | null,
  ): Promise<RunSummary> {
    const recorded = await this.recorder.finish(organizationId, run.id, live.stopRequested, error);
    const summary = { ...summaryOf(live, recorded.status, error), finishedAt: recorded.finishedAt };
    this.events.publish('sync.run.finished', {
      organizationId,
      runId: run.id,
      trigger: run.trigger,
      status: recorded.status,
      error: summary.error,
      consecutiveFailures: recorded.consecutiveFailures,
      startedAt: live.startedAt,
      finishedAt: recorded.finishedAt,
      counts: { ...live.totals },
    });
    return summary;
  }
}
