import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import type { SyncError } from './sync-error';
import type { SyncRun } from './sync-run.entity';
import { SyncRunsRepository } from './sync-runs.repository';
import { type RunTotals, SyncStateRepository } from './sync-state.repository';

export interface RunSummary extends RunTotals {
  runId: string | null;
  status: SyncRun['status'] | 'skipped';
  startedAt: Date;
  finishedAt: Date | null;
  error: { class: string; message: string } | null;
}

export interface LiveRun {
  runId: string | null;
  startedAt: Date;
  totals: RunTotals;
  total: number | null;
  stopRequested: boolean;
  /** When SYNC_RUN_BUDGET_SECONDS is up (epoch ms): the run stops after the message it is on. */
  budgetEndsAt: number;
  /** Someone asked for a sync during this run: list the mailbox once more before finishing. */
  relist: boolean;
  /** Past its last listing: a new request must get a run of its own, after this one. */
  finishing: boolean;
  done: Promise<RunSummary>;
}

/** Records how a run ended: its row, the organization's totals, and when the next run may start. */
@Injectable()
export class SyncRunRecorder {
  constructor(
    private readonly config: AppConfig,
    private readonly runs: SyncRunsRepository,
    private readonly state: SyncStateRepository,
  ) {}

  async finish(organizationId: string, runId: string, live: LiveRun, error: SyncError | null): Promise<RunSummary> {
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
    return { ...summaryOf(live, status, error), finishedAt };
  }

  /** interval × 2^(failures-1), capped: a broken mailbox is not hammered, and recovers on its own. */
  private backoffUntil(intervalSeconds: number, failures: number, from: Date): Date {
    const seconds = Math.min(intervalSeconds * 2 ** Math.min(failures - 1, 20), this.config.sync.maxBackoffSeconds);
    return new Date(from.getTime() + seconds * 1000);
  }
}

/** What callers are told of a run (also of one that could not be recorded). */
export function summaryOf(live: LiveRun, status: RunSummary['status'], error: SyncError | null): RunSummary {
  return {
    ...live.totals,
    runId: live.runId,
    status,
    startedAt: live.startedAt,
    finishedAt: null,
    error: error ? { class: error.errorClass, message: error.message } : null,
  };
}
