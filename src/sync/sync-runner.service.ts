import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { MessageParseError, parseMessage } from '../../libs/mail/parse-message';
import { AppConfig } from '../config/app-config';
import type { MailboxSession, MessageRef } from '../mailbox/drivers/mailbox-driver';
import { MailboxService } from '../mailbox/mailbox.service';
import { EmailSettingsService } from '../settings/email-settings.service';
import { AttachmentStorage } from '../storage/attachment-storage';
import { IngestContext, MessageIngestor } from './message-ingestor.service';
import type { SyncRun, SyncTrigger } from './sync-run.entity';
import { classifySyncError, SyncError } from './sync-error';
import { SyncFailuresRepository } from './sync-failures.repository';
import { SyncLock } from './sync-lock';
import { RunTotals, SyncStateRepository } from './sync-state.repository';
import { SyncRunsRepository } from './sync-runs.repository';
import { WatermarkPlanner } from './watermark-planner';

export interface RunSummary extends RunTotals {
  runId: string | null;
  status: SyncRun['status'] | 'skipped';
  startedAt: Date;
  finishedAt: Date | null;
  error: { class: string; message: string } | null;
}

interface LiveRun {
  runId: string | null;
  startedAt: Date;
  totals: RunTotals;
  total: number | null;
  stopRequested: boolean;
  done: Promise<RunSummary>;
}

/**
 * One sync run for one organization: lock, read the watermark, fetch oldest-first in bounded
 * batches, ingest each message exactly once, and record how it went. Safe to call twice: a second
 * call while a run is under way gets that run.
 */
@Injectable()
export class SyncRunner implements BeforeApplicationShutdown {
  private readonly logger = new Logger(SyncRunner.name);
  private readonly live = new Map<string, LiveRun>();

  constructor(
    private readonly config: AppConfig,
    private readonly settings: EmailSettingsService,
    private readonly mailbox: MailboxService,
    private readonly storage: AttachmentStorage,
    private readonly ingestor: MessageIngestor,
    private readonly state: SyncStateRepository,
    private readonly runs: SyncRunsRepository,
    private readonly failures: SyncFailuresRepository,
    private readonly planner: WatermarkPlanner,
    private readonly lock: SyncLock,
  ) {}

  /** On shutdown, runs stop after their current message and finish recording before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    const runs = [...this.live.values()];
    for (const run of runs) run.stopRequested = true;
    await Promise.all(runs.map((run) => run.done));
  }

  current(organizationId: string): Omit<LiveRun, 'done'> | null {
    return this.live.get(organizationId) ?? null;
  }

  /** Asks a run in progress to stop after the message it is on. */
  requestStop(organizationId: string): void {
    const run = this.live.get(organizationId);
    if (run) run.stopRequested = true;
  }

  run(organizationId: string, trigger: SyncTrigger): { runId: Promise<string | null>; done: Promise<RunSummary> } {
    const existing = this.live.get(organizationId);
    if (existing) return { runId: Promise.resolve(existing.runId), done: existing.done };
    let announce: (id: string | null) => void = () => undefined;
    const runId = new Promise<string | null>((resolve) => (announce = resolve));
    const live: LiveRun = {
      runId: null,
      startedAt: new Date(),
      totals: { fetched: 0, tickets: 0, comments: 0, ignored: 0, failed: 0 },
      total: null,
      stopRequested: false,
      done: Promise.resolve(null as unknown as RunSummary),
    };
    live.done = this.execute(organizationId, trigger, live, announce)
      .catch((error: unknown) => {
        // Never rejects: callers may fire and forget (the scheduler, start), so a failure to record a
        // run (e.g. the database went away) is logged here, once.
        this.logger.error(`Sync run of ${organizationId} could not be recorded: ${(error as Error).message}`);
        return this.summary(live, 'failed', classifySyncError(error));
      })
      .finally(() => {
        this.live.delete(organizationId);
        announce(live.runId);
      });
    this.live.set(organizationId, live);
    return { runId, done: live.done };
  }

  private async execute(
    organizationId: string,
    trigger: SyncTrigger,
    live: LiveRun,
    announce: (id: string | null) => void,
  ): Promise<RunSummary> {
    const held = await this.lock.tryAcquire(organizationId);
    if (!held) {
      // Another instance is syncing this mailbox right now; this period is theirs.
      return {
        ...live.totals,
        runId: null,
        status: 'skipped',
        startedAt: live.startedAt,
        finishedAt: null,
        error: null,
      };
    }
    let session: MailboxSession | null = null;
    let error: SyncError | null = null;
    await this.runs.closeInterrupted([organizationId]);
    const run = await this.runs.start(organizationId, trigger);
    live.runId = run.id;
    announce(run.id);
    try {
      const incoming = await this.settings.getIncomingConnection(organizationId);
      if (!incoming) throw new SyncError('config', 'Incoming email settings are missing');
      const syncState = await this.state.find(organizationId);
      session = await this.mailbox.openSession(incoming);
      const folder = incoming.folder;
      const position = await this.planner.resolve(organizationId, folder, session, syncState?.since ?? null);
      live.total = position.pending;
      await this.runs.update(organizationId, run.id, { total: position.pending });
      const context = {
        organizationId,
        runId: run.id,
        folder,
        uidValidity: position.uidValidity,
        supportAddress: await this.settings.getSupportAddress(organizationId),
      };
      await this.drain(session, context, position.lastUid, live, syncState?.markSeen ?? false);
    } catch (caught) {
      error = classifySyncError(caught);
      this.logger.warn(`Sync of organization ${organizationId} failed (${error.errorClass}): ${error.message}`);
    } finally {
      await session?.close().catch(() => undefined);
    }
    try {
      return await this.finish(organizationId, run.id, live, error);
    } finally {
      await held.release();
    }
  }

  /** Fetches and ingests everything above the watermark, batch by batch, oldest first. */
  private async drain(
    session: MailboxSession,
    context: Omit<IngestContext, 'uid' | 'rawKey'>,
    fromUid: number,
    live: LiveRun,
    markSeen: boolean,
  ): Promise<void> {
    const deadline = Date.now() + this.config.sync.runBudgetSeconds * 1000;
    let lastUid = fromUid;
    while (!live.stopRequested && Date.now() < deadline) {
      const page = await session.listUids(lastUid, this.config.sync.batchSize);
      if (page.length === 0) return;
      const { small, large } = this.splitBySize(page);
      const done: number[] = [];
      for await (const fetched of session.fetchSources(small.map((ref) => ref.uid))) {
        await this.ingestOne({ ...context, uid: fetched.uid }, fetched.source, fetched.size, live);
        done.push(fetched.uid);
        lastUid = Math.max(lastUid, fetched.uid);
        if (live.stopRequested) break;
      }
      if (live.stopRequested) return;
      for (const ref of large) {
        await this.ingestOversized(session, { ...context, uid: ref.uid }, ref, live);
        done.push(ref.uid);
        if (live.stopRequested) return;
      }
      lastUid = Math.max(lastUid, ...page.map((ref) => ref.uid));
      if (markSeen) await session.markSeen(done);
    }
  }

  private splitBySize(page: MessageRef[]): { small: MessageRef[]; large: MessageRef[] } {
    const limit = this.config.sync.maxMessageBytes;
    return { small: page.filter((ref) => ref.size <= limit), large: page.filter((ref) => ref.size > limit) };
  }

  /**
   * Ingests one message. A message that cannot be parsed or stored goes to the failures list with
   * its raw bytes and the watermark moves on, so one bad message never stalls the mailbox.
   */
  private async ingestOne(
    position: Omit<IngestContext, 'rawKey'>,
    raw: Buffer,
    size: number,
    live: LiveRun,
  ): Promise<void> {
    live.totals.fetched += 1;
    try {
      const message = await parseMessage(raw);
      const { key } = await this.storage.put(raw);
      const result = await this.ingestor.ingest({ ...position, rawKey: key }, message, raw);
      if (result.outcome === 'ticket') live.totals.tickets += 1;
      else if (result.outcome === 'comment') live.totals.comments += 1;
      else if (result.outcome !== 'duplicate') live.totals.ignored += 1;
    } catch (caught) {
      const error = classifySyncError(caught);
      live.totals.failed += 1;
      await this.failures.record(position.organizationId, {
        folder: position.folder,
        uidValidity: position.uidValidity,
        uid: position.uid,
        runId: position.runId,
        errorClass: error.errorClass,
        reason: error.message,
        size,
        raw,
      });
      await this.ingestor.advancePast(position);
      if (!(caught instanceof MessageParseError)) {
        this.logger.warn(`Message uid ${position.uid} of ${position.organizationId} failed: ${error.message}`);
      }
    }
  }

  /** Over the size limit: the ticket is made from the headers alone, and the admin sees why. */
  private async ingestOversized(
    session: MailboxSession,
    position: Omit<IngestContext, 'rawKey'>,
    ref: MessageRef,
    live: LiveRun,
  ): Promise<void> {
    const [headers] = await session.fetchHeaders([ref.uid]);
    const limitMb = (this.config.sync.maxMessageBytes / 1024 / 1024).toFixed(1);
    const note = `[The body of this message was not downloaded: it is ${(ref.size / 1024 / 1024).toFixed(1)} MB, over the ${limitMb} MB limit. Open it in the mailbox.]`;
    const headerBytes = headers?.headers ?? Buffer.from('');
    const raw = Buffer.concat([headerBytes, Buffer.from(`\r\n${note}\r\n`)]);
    await this.ingestOne(position, raw, ref.size, live);
    await this.failures.record(position.organizationId, {
      folder: position.folder,
      uidValidity: position.uidValidity,
      uid: position.uid,
      runId: position.runId,
      errorClass: 'too-large',
      reason: note,
      size: ref.size,
      raw: headerBytes,
    });
    live.totals.failed += 1;
  }

  private async finish(
    organizationId: string,
    runId: string,
    live: LiveRun,
    error: SyncError | null,
  ): Promise<RunSummary> {
    const finishedAt = new Date();
    const status: SyncRun['status'] = error ? 'failed' : live.stopRequested ? 'stopped' : 'succeeded';
    await this.runs.update(organizationId, runId, {
      ...live.totals,
      status,
      finishedAt,
      errorClass: error?.errorClass ?? null,
      errorMessage: error?.message ?? null,
    });
    await this.state.addTotals(organizationId, live.totals);
    const current = await this.state.find(organizationId);
    const failures = error ? (current?.consecutiveFailures ?? 0) + 1 : 0;
    await this.state.update(organizationId, {
      lastRunAt: finishedAt,
      ...(error
        ? {
            consecutiveFailures: failures,
            lastErrorClass: error.errorClass,
            lastErrorMessage: error.message,
            lastErrorAt: finishedAt,
            nextRunAt: this.backoffUntil(current?.intervalSeconds ?? 300, failures, finishedAt),
          }
        : { lastSuccessAt: finishedAt, consecutiveFailures: 0, nextRunAt: null }),
    });
    return { ...this.summary(live, status, error), finishedAt };
  }

  private summary(live: LiveRun, status: RunSummary['status'], error: SyncError | null): RunSummary {
    return {
      ...live.totals,
      runId: live.runId,
      status,
      startedAt: live.startedAt,
      finishedAt: null,
      error: error ? { class: error.errorClass, message: error.message } : null,
    };
  }

  /** interval × 2^(failures-1), capped: a broken mailbox is not hammered, and recovers on its own. */
  private backoffUntil(intervalSeconds: number, failures: number, from: Date): Date {
    const seconds = Math.min(intervalSeconds * 2 ** Math.min(failures - 1, 20), this.config.sync.maxBackoffSeconds);
    return new Date(from.getTime() + seconds * 1000);
  }
}
