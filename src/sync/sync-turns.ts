import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '../config/app-config';
import { LeaseService } from '../leases/lease.service';
import type { LiveRun } from './live-run';
import { SyncSlots } from './sync-slots';
import { SyncStateRepository } from './sync-state.repository';

/** The lease that keeps one organization's runs on one instance at a time. */
const SYNC_LEASE = 'sync';
/** How often a requested run looks again whether another instance's run of the mailbox has ended. */
const LEASE_RETRY_MS = 500;

/** Waits `ms`: true, or false if `signal` aborted the wait first. */
const pause = (ms: number, signal: AbortSignal): Promise<boolean> => sleep(ms, true, { signal }).catch(() => false);

/**
 * A run's turn: one of this instance's SYNC_CONCURRENCY slots, then the organization's lease across
 * instances. Nothing is held while waiting for either.
 */
@Injectable()
export class SyncTurns {
  constructor(
    private readonly config: AppConfig,
    private readonly slots: SyncSlots,
    private readonly leases: LeaseService,
    private readonly state: SyncStateRepository,
  ) {}

  /**
   * Runs `work` in the organization's turn and gives its result; null when the run was skipped: stopped
   * (or shut down) while waiting, or a scheduled period another instance is already running
   * (see LiveRun.requested), or one no longer due once its turn came (see stillDue).
   */
  async take<T>(
    organizationId: string,
    dueAt: Date,
    live: Pick<LiveRun, 'queued' | 'requested' | 'startedAt' | 'stopRequested' | 'unqueue'>,
    work: () => Promise<T>,
  ): Promise<T | null> {
    for (;;) {
      const release = await this.slots.take(dueAt, live.unqueue.signal);
      if (!release) return null;
      try {
        const lease = await this.leases.tryAcquire(organizationId, SYNC_LEASE, {
          ttlMs: this.config.sync.leaseSeconds * 1000,
        });
        if (lease) {
          try {
            // A request that joined while this was being looked up (push, Sync now) runs all the same.
            if (!live.requested && !(await this.stillDue(organizationId, dueAt)) && !live.requested) return null;
            // Queued until the lease is ours: a Sync now that looks meanwhile is told so, not kept waiting.
            live.queued = false;
            live.startedAt = new Date();
            lease.onLost(() => {
              // Another instance may have taken the mailbox over: stop after this message. The ledger keeps
              // whatever both commit to one copy, but two runs of one mailbox are what the lease prevents.
              live.stopRequested = true;
            });
            return await work();
          } finally {
            await lease.release();
          }
        }
      } finally {
        release();
      }
      if (!live.requested) return null;
      // Queued behind the other instance's run.
      if (!(await pause(LEASE_RETRY_MS, live.unqueue.signal))) return null;
    }
  }

  /**
   * A scheduled run, checked in its turn: still running, and not run by anyone since it was due (a run
   * that ended meanwhile, here or on another instance, moved the due time past it). A claim that outlived
   * a long run elsewhere so comes to nothing instead of a second run in one period.
   */
  private async stillDue(organizationId: string, dueAt: Date): Promise<boolean> {
    const state = await this.state.find(organizationId);
    return !!state?.running && !state.suspended && state.dueAtMs !== null && state.dueAtMs <= dueAt.getTime();
  }
}
