import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { TransactionRunner } from '../database/transaction-runner';
import type { SyncError } from './sync-error';
import type { SyncRun } from './sync-run.entity';
import { SyncStateRepository, type RunTotals } from './sync-state.repository';
import { SyncRunsRepository } from './sync-runs.repository';
import { SyncScheduleRepository } from './sync-schedule.repository';

/** How a run that got under way can end (interrupted is what a crash leaves, found on restart). */
export type FinishedStatus = Extract<SyncRun['status'], 'succeeded' | 'failed' | 'stopped'>;

/**
 * Records how a run ended: the run row's status, the back-off after a failure, the next due time on the
 * shared schedule, and what a crash left.
 */
@Injectable()
export class SyncRunRecorder {
  constructor(
    private readonly config: AppConfig,
    private readonly state: SyncStateRepository,
    private readonly runs: SyncRunsRepository,
    private readonly transactions: TransactionRunner,
    private readonly schedule: SyncScheduleRepository,
  ) {}

  /**
   * Closes the runs a killed process left "running" as interrupted. The ledger is the truth: each run
   * gets the counts of what it committed, and the organization's totals move by whatever its counters
   * had missed, in one transaction per run. Called in the organization's turn, before its next run.
   */
  async closeInterrupted(organizationId: string): Promise<void> {
    for (const run of await this.runs.listRunning(organizationId)) {
      await this.transactions.run(async (manager) => {
        const counts = await this.runs.ledgerCounts(organizationId, run.id, manager);
        const missed: RunTotals = {
          fetched: counts.fetched - run.fetched,
          tickets: counts.tickets - run.tickets,
          comments: counts.comments - run.comments,
          ignored: counts.ignored - run.ignored,
          failed: counts.failed - run.failed,
        };
        await this.runs.closeInterrupted(organizationId, run.id, counts, manager);
        if (Object.values(missed).some((count) => count !== 0)) {
          await this.state.addTotals(organizationId, missed, manager);
        }
      });
    }
  }

  /** The run's final status, when it was recorded, and how many runs in a row have now failed. */
  async finish(
    organizationId: string,
    runId: string,
    stopped: boolean,
    error: SyncError | null,
  ): Promise<{ status: FinishedStatus; finishedAt: Date; consecutiveFailures: number }> {
    const finishedAt = new Date();
    const status: FinishedStatus = error ? 'failed' : stopped ? 'stopped' : 'succeeded';
    // The counts are already in: each batch added its own as it committed.
    await this.runs.update(organizationId, runId, {
      status,
      finishedAt,
      errorClass: error?.errorClass ?? null,
      errorMessage: error?.message ?? null,
    });
    const current = await this.state.find(organizationId);
    const failures = error ? (current?.consecutiveFailures ?? 0) + 1 : 0;
    const intervalSeconds = current?.intervalSeconds ?? 300;
    const backoffUntil = error ? this.backoffUntil(intervalSeconds, failures, finishedAt) : null;
    await this.state.update(organizationId, {
      lastRunAt: finishedAt,
      ...(error
        ? {
            consecutiveFailures: failures,
            lastErrorClass: error.errorClass,
            lastErrorMessage: error.message,
            lastErrorAt: finishedAt,
            nextRunAt: backoffUntil,
          }
        : // A run that ends without an error clears the last one: the status shows what is wrong now.
          {
            lastSuccessAt: finishedAt,
            consecutiveFailures: 0,
            nextRunAt: null,
            lastErrorClass: null,
            lastErrorMessage: null,
            lastErrorAt: null,
          }),
    });
    // Whatever triggered the run (schedule, Sync now, push), the next scheduled one is an interval after
    // it, or when the back-off ends; a stopped organization stays off the schedule.
    const dueAtMs = backoffUntil ? backoffUntil.getTime() : finishedAt.getTime() + intervalSeconds * 1000;
    await this.schedule.setDue(organizationId, dueAtMs);
    return { status, finishedAt, consecutiveFailures: failures };
  }

  /** interval × 2^(failures-1), capped: a broken mailbox is not hammered, and recovers on its own. */
  private backoffUntil(intervalSeconds: number, failures: number, from: Date): Date {
    const seconds = Math.min(intervalSeconds * 2 ** Math.min(failures - 1, 20), this.config.sync.maxBackoffSeconds);
    return new Date(from.getTime() + seconds * 1000);
  }
}
