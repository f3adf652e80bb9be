import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { ConflictError, DomainError } from '../common/errors/domain-error';
import type { DomainEventMap } from '../common/events/domain-events';
import { MailConnectionError } from '../common/net/mail-connection-error';
import { AppConfig } from '../config/app-config';
import type { ImapConnectionSettings } from '../mailbox/imap-settings';
import { MailboxService } from '../mailbox/mailbox.service';
import { EmailSettingsService } from '../settings/email-settings.service';
import type { SyncFrom, SyncState } from './sync-state.entity';
import type { RunSummary } from './live-run';
import { loginToMailbox } from './incoming-login';
import { SyncRunner } from './sync-runner';
import { SyncScheduler } from './sync-scheduler';
import { SyncStateRepository } from './sync-state.repository';
import { WatermarkPlanner } from './watermark-planner';

export interface StartRequest {
  from: SyncFrom;
  /** For specific-date: the first day to ingest (UTC). */
  date?: Date;
  /** Mark ingested messages \Seen; unchanged when omitted. */
  markSeen?: boolean;
}

/** The seed's "Sync service status" widget: start, stop, sync now, interval, and what it shows. */
@Injectable()
export class SyncControlService {
  constructor(
    private readonly config: AppConfig,
    private readonly state: SyncStateRepository,
    private readonly runner: SyncRunner,
    private readonly scheduler: SyncScheduler,
    private readonly settings: EmailSettingsService,
    private readonly mailbox: MailboxService,
    private readonly planner: WatermarkPlanner,
  ) {}

  async status(organizationId: string): Promise<{ state: SyncState | null; live: ReturnType<SyncRunner['current']> }> {
    return { state: await this.state.find(organizationId), live: this.runner.current(organizationId) };
  }

  /**
   * Sets where ingestion begins and starts the schedule, with a first run right away. The mailbox
   * must answer now: a start that cannot work is refused with the reason instead of failing later.
   */
  async start(organizationId: string, request: StartRequest): Promise<SyncState> {
    const incoming = await this.settings.getIncomingConnection(organizationId).catch(refusedStart);
    if (!incoming) {
      throw new ConflictError('SYNC_NOT_CONFIGURED', 'Save the incoming email settings before starting sync');
    }
    const previous = await this.state.find(organizationId);
    const watermark = await this.state.findWatermark(organizationId, incoming.folder);
    if (request.from === 'last-sync' && !watermark) {
      throw new ConflictError('NO_PREVIOUS_SYNC', 'There is no previous sync of this mailbox folder to resume from');
    }
    // The day a UIDVALIDITY re-scan goes back to; the request DTO requires a date for specific-date.
    const since = request.from === 'last-sync' ? (previous?.since ?? null) : (request.date ?? new Date());
    // current-date starts below the next UID: nothing already in the mailbox, however recent.
    if (request.from !== 'last-sync') {
      await this.setBaseline(organizationId, incoming, request.from === 'specific-date' ? since : null);
    }
    const state = await this.state.save(organizationId, {
      running: true,
      fromMode: request.from,
      since,
      intervalSeconds: previous?.intervalSeconds ?? 300,
      markSeen: request.markSeen ?? previous?.markSeen ?? false,
      nextRunAt: null,
      consecutiveFailures: 0,
      // Due now and claimed by this instance's first run below, which every instance leaves to it; if
      // this instance dies first, the claim ends and another runs it.
      dueAtMs: Date.now(),
      claimedUntilMs: Date.now() + this.config.sync.leaseSeconds * 1000,
    });
    void this.runner.run(organizationId, 'schedule', { requested: true });
    await this.scheduler.started(organizationId);
    return state;
  }

  /** Off the schedule on every instance; a run in progress, here or elsewhere, stops after its message. */
  async stop(organizationId: string): Promise<void> {
    await this.state.save(organizationId, { running: false, nextRunAt: null });
    this.runner.requestStop(organizationId);
    await this.scheduler.stop(organizationId);
  }

  /**
   * Runs now, even between periods (also while stopped: "Sync now" is an explicit request). Waits for
   * the run up to a bound; past it, the caller gets the run id to poll, or `queued` while the run
   * still waits for a slot (SYNC_CONCURRENCY).
   */
  async syncNow(
    organizationId: string,
  ): Promise<{ finished: true; summary: RunSummary } | { finished: false; runId: string | null; queued: boolean }> {
    // Whether settings exist, without a token: a grant that needs reconnecting is the run's error to record.
    const auth = await this.settings.incomingAuth(organizationId);
    if (!auth) throw new ConflictError('SYNC_NOT_CONFIGURED', 'Save the incoming email settings before syncing');
    const { runId, done } = this.runner.run(organizationId, 'manual');
    const timeout = new Promise<null>((resolve) =>
      setTimeout(() => resolve(null), this.config.sync.nowWaitSeconds * 1000).unref(),
    );
    const summary = await Promise.race([done, timeout]);
    if (summary) return { finished: true, summary };
    // Still waiting for a slot: it has no id yet, and the caller is not kept waiting for one.
    const live = this.runner.current(organizationId);
    if (live?.queued) return { finished: false, runId: null, queued: true };
    return { finished: false, runId: await runId, queued: false };
  }

  async setInterval(organizationId: string, seconds: number): Promise<SyncState> {
    if (seconds < this.config.sync.minIntervalSeconds) {
      throw new DomainError(
        'validation',
        'INTERVAL_TOO_SHORT',
        `The interval must be at least ${this.config.sync.minIntervalSeconds} seconds`,
      );
    }
    const state = await this.state.save(organizationId, { intervalSeconds: seconds });
    await this.scheduler.reschedule(state);
    return state;
  }

  /** A settings change clears the back-off, so the schedule tries the new settings when the interval says. */
  @OnEvent('settings.email.changed')
  async onSettingsChanged(event: { organizationId: string }): Promise<void> {
    const state = await this.state.find(event.organizationId);
    if (!state) return;
    await this.state.update(event.organizationId, { nextRunAt: null, consecutiveFailures: 0 });
    await this.scheduler.reschedule({ ...state, nextRunAt: null });
  }

  /**
   * A disabled organization's sync is suspended: off the schedule, stopped wherever it runs, and marked
   * so every instance leaves it alone. `running` is kept for when it is enabled again.
   */
  @OnEvent('organization.disabled')
  async onOrganizationDisabled(event: DomainEventMap['organization.disabled']): Promise<void> {
    await this.state.update(event.organizationId, { suspended: true });
    this.runner.requestStop(event.organizationId);
    await this.scheduler.stop(event.organizationId);
  }

  @OnEvent('organization.enabled')
  async onOrganizationEnabled(event: DomainEventMap['organization.enabled']): Promise<void> {
    await this.state.update(event.organizationId, { suspended: false });
    const state = await this.state.find(event.organizationId);
    if (!state?.running) return;
    await this.scheduler.reschedule(state);
    await this.scheduler.started(event.organizationId);
  }

  private async setBaseline(
    organizationId: string,
    incoming: ImapConnectionSettings,
    since: Date | null,
  ): Promise<void> {
    try {
      const session = await loginToMailbox(this.settings, organizationId, incoming, (s) => this.mailbox.openSession(s));
      try {
        const folder = await session.folderState();
        const lastUid = await this.planner.baseline(session, since, folder.uidNext);
        await this.state.setWatermarkExactly(organizationId, incoming.folder, {
          uidValidity: folder.uidValidity,
          lastUid,
        });
      } finally {
        await session.close();
      }
    } catch (error) {
      refusedStart(error);
    }
  }
}

/** A start the mailbox cannot serve now (a mail failure, or a grant to reconnect) is refused with the reason. */
function refusedStart(error: unknown): never {
  if (error instanceof MailConnectionError) {
    throw new ConflictError(
      `SYNC_MAILBOX_${error.reason.toUpperCase()}`,
      `Cannot start sync: ${error.message}${error.hint ? `. ${error.hint}` : ''}`,
    );
  }
  throw error;
}
