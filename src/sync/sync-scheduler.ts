import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { SyncState } from './sync-state.entity';
import { SyncRunner } from './sync-runner';
import { SyncStateRepository } from './sync-state.repository';

const timerName = (organizationId: string) => `sync:${organizationId}`;
/** A timer may fire a little early; a run due within this is due. */
const EARLY_MS = 50;
/** setTimeout's longest delay; a later due time is reached in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * When an organization's next scheduled run is due: when its back-off ends, else one interval after its
 * last run ended; null when it never ran (due at once). The scheduler arms its timer for exactly this
 * time and the status shows it, so what the widget says is when the run starts.
 */
export function nextRunDue(state: Pick<SyncState, 'nextRunAt' | 'lastRunAt' | 'intervalSeconds'>): Date | null {
  if (state.nextRunAt) return state.nextRunAt;
  if (state.lastRunAt) return new Date(state.lastRunAt.getTime() + state.intervalSeconds * 1000);
  return null;
}

/**
 * Decides only *when* to sync: one timer per running organization, armed for its due time (nextRunDue)
 * and re-armed at once when the interval changes. Each firing re-reads the state, so a stop, a back-off
 * or a run by any instance is respected: a run that is no longer due re-arms the timer for when it is.
 */
@Injectable()
export class SyncScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(SyncScheduler.name);
  /** Set at shutdown: a tick still finishing then (its run stopped, the database closing) arms nothing. */
  private stopped = false;

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly state: SyncStateRepository,
    private readonly runner: SyncRunner,
  ) {}

  /** After a restart, running organizations resume their schedule; stopped ones stay stopped. */
  async onApplicationBootstrap(): Promise<void> {
    for (const state of await this.state.listRunning()) this.schedule(state);
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
  }

  onApplicationShutdown(): void {
    for (const name of this.registry.getTimeouts()) {
      if (name.startsWith('sync:')) this.registry.deleteTimeout(name);
    }
  }

  /** (Re)arms the organization's timer for the state's due time (at once when overdue). */
  schedule(state: SyncState): void {
    const due = nextRunDue(state);
    this.arm(state.organizationId, due ? due.getTime() : Date.now());
  }

  unschedule(organizationId: string): void {
    if (this.registry.doesExist('timeout', timerName(organizationId))) {
      this.registry.deleteTimeout(timerName(organizationId));
    }
  }

  isScheduled(organizationId: string): boolean {
    return this.registry.doesExist('timeout', timerName(organizationId));
  }

  private arm(organizationId: string, at: number): void {
    this.unschedule(organizationId);
    if (this.stopped) return;
    const delay = Math.min(Math.max(at - Date.now(), 0), MAX_DELAY_MS);
    const handle = setTimeout(() => {
      this.registry.deleteTimeout(timerName(organizationId));
      void this.tick(organizationId);
    }, delay);
    // The HTTP server keeps a running service alive; a timer must not keep a stopped one.
    handle.unref();
    this.registry.addTimeout(timerName(organizationId), handle);
  }

  private async tick(organizationId: string): Promise<void> {
    let intervalMs = 300_000;
    try {
      const state = await this.state.find(organizationId);
      // Stopped, or suspended because the organization was disabled (possibly through another instance).
      if (!state?.running || state.suspended) return;
      intervalMs = state.intervalSeconds * 1000;
      const due = nextRunDue(state);
      // Run by someone else meanwhile, or backed off: not due yet.
      if (due && due.getTime() > Date.now() + EARLY_MS) return this.arm(organizationId, due.getTime());
      // The due time orders runs that queue for a slot: the longest-waiting goes first.
      await this.runner.run(organizationId, 'schedule', { dueAt: due ?? new Date() }).done;
      const after = await this.state.find(organizationId);
      if (!after?.running || after.suspended) return;
      const next = nextRunDue(after);
      // Skipped (another instance has the mailbox, its run not over yet): look again one interval later.
      this.arm(organizationId, next && next.getTime() > Date.now() ? next.getTime() : Date.now() + intervalMs);
    } catch (error) {
      this.logger.error(`Scheduled sync of ${organizationId} could not run: ${(error as Error).message}`);
      this.arm(organizationId, Date.now() + intervalMs);
    }
  }
}
