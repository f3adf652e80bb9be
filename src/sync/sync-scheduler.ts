import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { PushWatcher } from './push-watcher';
import { ScheduleSignals, type ScheduleSignal } from './schedule-signals';
import type { SyncState } from './sync-state.entity';
import { SyncRunner } from './sync-runner';
import { type ClaimedRun, SyncScheduleRepository } from './sync-schedule.repository';
import { SyncSlots } from './sync-slots';
import { SyncStateRepository } from './sync-state.repository';

/** With LISTEN working, the schedule is still read this often: a safety net for a lost notification. */
const LISTENING_POLL_MS = 30_000;
/** Due runs are left (another instance took them first, more than the slots free): look again soon. */
const RETRY_MS = 50;

/**
 * When an organization's next scheduled run is due after a change of interval or settings: when its
 * back-off ends, else one interval after its last run ended; null when it never ran (due at once).
 */
export function nextRunDue(state: Pick<SyncState, 'nextRunAt' | 'lastRunAt' | 'intervalSeconds'>): Date | null {
  if (state.nextRunAt) return state.nextRunAt;
  if (state.lastRunAt) return new Date(state.lastRunAt.getTime() + state.intervalSeconds * 1000);
  return null;
}

/**
 * Decides only *when* to sync, on one schedule every instance shares: each organization's due time is
 * in the database (SyncScheduleRepository). Each instance runs one loop that claims due runs, oldest
 * due first and no more than its free slots (SYNC_CONCURRENCY), and hands them to the runner; it
 * sleeps until the next due time or until a schedule change anywhere wakes it (ScheduleSignals).
 * A claim lasts SYNC_LEASE_SECONDS: a claimer that crashed leaves the run due again after that.
 */
@Injectable()
export class SyncScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SyncScheduler.name);
  /** Set at shutdown: the loop claims nothing more and ends. */
  private shuttingDown = false;
  private loop: Promise<void> = Promise.resolve();
  /** Something changed since the loop last looked: its next sleep is skipped. */
  private woken = false;
  private wakeUp: (() => void) | null = null;
  /** Organizations whose claimed run is queued or under way here. */
  private readonly runningHere = new Set<string>();

  constructor(
    private readonly config: AppConfig,
    private readonly schedule: SyncScheduleRepository,
    private readonly state: SyncStateRepository,
    private readonly runner: SyncRunner,
    private readonly slots: SyncSlots,
    private readonly signals: ScheduleSignals,
    private readonly push: PushWatcher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // SQLite is one process's file: claims left in it belong to an earlier run of this process.
    if (this.config.databaseUrl === null) await this.schedule.releaseAllClaims();
    this.signals.subscribe((signal) => void this.onSignal(signal));
    this.loop = this.runLoop();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    this.wake();
    await this.loop;
  }

  /** Whether the organization is on the schedule (running, not suspended), as every instance sees it. */
  async isScheduled(organizationId: string): Promise<boolean> {
    return ((await this.state.find(organizationId))?.dueAtMs ?? null) !== null;
  }

  /** Tells every instance that Start put the organization on the schedule (its state already says so). */
  started(organizationId: string): Promise<void> {
    return this.signals.publish({ change: 'started', organizationId });
  }

  /** Takes the organization off the schedule; a run in progress on any instance stops after its message. */
  async stop(organizationId: string): Promise<void> {
    await this.schedule.clear(organizationId);
    await this.signals.publish({ change: 'stopped', organizationId });
  }

  /** A new due time after an interval or settings change, computed from the state as it now is. */
  async reschedule(state: SyncState): Promise<void> {
    if (!state.running || state.suspended) return;
    await this.schedule.setDue(state.organizationId, (nextRunDue(state) ?? new Date()).getTime());
    await this.signals.publish({ change: 'rescheduled', organizationId: state.organizationId });
  }

  private async onSignal(signal: ScheduleSignal): Promise<void> {
    this.wake();
    if (signal.change === 'missed' || signal.change === 'rescheduled') return;
    try {
      if (signal.change === 'stopped') {
        const state = await this.state.find(signal.organizationId);
        // Started again since (the signals of one organization may cross): keep the run.
        if (!state?.running || state.suspended) this.runner.requestStop(signal.organizationId);
      }
      // Push follows now rather than at its next claim round.
      await this.push.wake(signal.organizationId);
    } catch (error) {
      this.logger.error(`Schedule change of ${signal.organizationId} not applied: ${(error as Error).message}`);
    }
  }

  private wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private async runLoop(): Promise<void> {
    while (!this.shuttingDown) {
      let waitMs: number;
      try {
        waitMs = await this.round();
      } catch (error) {
        this.logger.error(`Could not read the sync schedule: ${(error as Error).message}`);
        waitMs = this.pollMs();
      }
      await this.sleep(waitMs);
    }
  }

  /** Claims what is due and fits, starts it, and answers how long to sleep. */
  private async round(): Promise<number> {
    this.woken = false;
    if (!this.signals.listening) await this.stopUnscheduledRuns();
    const now = Date.now();
    const claimed = await this.schedule.claimDue(now, this.slots.free, now + this.config.sync.leaseSeconds * 1000);
    for (const run of claimed) this.start(run);
    const next = await this.schedule.nextClaimableMs();
    if (next === null) return this.pollMs();
    const wait = next - Date.now();
    // Due but not claimed: with no slot free, a run ending here wakes the loop; else look again soon.
    if (wait <= 0) return this.slots.free > 0 ? RETRY_MS : this.pollMs();
    return Math.min(wait, this.pollMs());
  }

  private start({ organizationId, dueAtMs }: ClaimedRun): void {
    // The due time orders runs that queue for a slot: the longest-waiting goes first.
    const { done } = this.runner.run(organizationId, 'schedule', { dueAt: new Date(dueAtMs) });
    this.runningHere.add(organizationId);
    void done.then(() => {
      this.runningHere.delete(organizationId);
      // Its slot is free again: more may be claimed.
      this.wake();
    });
  }

  /**
   * Without LISTEN a Stop made on another instance is not heard: each poll stops this instance's
   * scheduled runs of organizations that are off the schedule now (a Sync now or push run goes on).
   */
  private async stopUnscheduledRuns(): Promise<void> {
    for (const organizationId of await this.schedule.offScheduleAmong([...this.runningHere])) {
      this.runner.requestStop(organizationId);
    }
  }

  private pollMs(): number {
    return this.signals.listening ? LISTENING_POLL_MS : this.config.sync.schedulePollSeconds * 1000;
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken || this.shuttingDown) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      // The HTTP server keeps a running service alive; this timer must not keep a stopped one.
      timer.unref();
      this.wakeUp = done;
    });
  }
}
