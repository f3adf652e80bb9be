import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { SyncRunner } from './sync-runner.service';
import { SyncStateRepository } from './sync-state.repository';

const intervalName = (organizationId: string) => `sync:${organizationId}`;

/**
 * Decides only *when* to sync: one dynamic interval per running organization, re-timed at once when
 * the interval changes. Each tick re-reads the state, so a stop or a back-off set by any instance is
 * respected, and a tick while a run is still going joins that run instead of starting another.
 */
@Injectable()
export class SyncScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SyncScheduler.name);

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly state: SyncStateRepository,
    private readonly runner: SyncRunner,
  ) {}

  /** After a restart, running organizations resume their schedule; stopped ones stay stopped. */
  async onApplicationBootstrap(): Promise<void> {
    for (const state of await this.state.listRunning()) {
      this.schedule(state.organizationId, state.intervalSeconds);
    }
  }

  onApplicationShutdown(): void {
    for (const name of this.registry.getIntervals()) {
      if (name.startsWith('sync:')) this.registry.deleteInterval(name);
    }
  }

  schedule(organizationId: string, intervalSeconds: number): void {
    this.unschedule(organizationId);
    const handle = setInterval(() => void this.tick(organizationId), intervalSeconds * 1000);
    this.registry.addInterval(intervalName(organizationId), handle);
  }

  unschedule(organizationId: string): void {
    if (this.registry.doesExist('interval', intervalName(organizationId))) {
      this.registry.deleteInterval(intervalName(organizationId));
    }
  }

  isScheduled(organizationId: string): boolean {
    return this.registry.doesExist('interval', intervalName(organizationId));
  }

  private async tick(organizationId: string): Promise<void> {
    try {
      const state = await this.state.find(organizationId);
      // Stopped, or suspended because the organization was disabled (possibly through another instance).
      if (!state?.running || state.suspended) {
        this.unschedule(organizationId);
        return;
      }
      if (state.nextRunAt && state.nextRunAt.getTime() > Date.now()) return;
      // Due one interval after the last run: when runs queue for a slot, the longest-waiting goes first.
      const dueAt = state.lastRunAt
        ? new Date(Math.min(Date.now(), state.lastRunAt.getTime() + state.intervalSeconds * 1000))
        : new Date();
      await this.runner.run(organizationId, 'schedule', { dueAt }).done;
    } catch (error) {
      this.logger.error(`Scheduled sync of ${organizationId} could not run: ${(error as Error).message}`);
    }
  }
}
