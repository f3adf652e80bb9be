import type { BatchResult } from './message-ingestor';
import type { SyncError } from './sync-error';
import type { SyncRun } from './sync-run.entity';
import type { RunTotals } from './sync-state.repository';

/** How a run ended (or that it was skipped: another instance had the mailbox, or it was stopped while queued). */
export interface RunSummary extends RunTotals {
  runId: string | null;
  status: SyncRun['status'] | 'skipped';
  startedAt: Date;
  finishedAt: Date | null;
  error: { class: string; message: string } | null;
}

/** A run of this instance, queued or under way, as the status widget and later requests see it. */
export interface LiveRun {
  runId: string | null;
  /** Waiting for a slot (SYNC_CONCURRENCY) or for another instance's run: nothing is held, nothing has started. */
  queued: boolean;
  /**
   * A person asked for it (Start, Sync now): while another instance syncs the mailbox it waits and runs
   * after that run, which may have begun before the request (before Start set where sync begins, or
   * before the mail the person expects arrived). A scheduled period is left to the other instance.
   */
  requested: boolean;
  startedAt: Date;
  totals: RunTotals;
  total: number | null;
  stopRequested: boolean;
  /** Why the run was stopped when it could not go on: it ends failed with this error. */
  stopError?: SyncError;
  /** When SYNC_RUN_BUDGET_SECONDS is up (epoch ms): the run stops after the message it is on. */
  budgetEndsAt: number;
  /** Someone asked for a sync during this run: list the mailbox once more before finishing. */
  relist: boolean;
  /** Past its last listing: a new request must get a run of its own, after this one. */
  finishing: boolean;
  /** Ends the wait for a slot (a stop or a shutdown while queued). */
  unqueue: AbortController;
  done: Promise<RunSummary>;
}

/** Adds what a committed batch became to the run's live counts (the database has its own, from the batch). */
export function countInto(live: LiveRun, results: BatchResult[]): BatchResult[] {
  for (const result of results) {
    if (result.outcome === 'ticket') live.totals.tickets += 1;
    else if (result.outcome === 'comment') live.totals.comments += 1;
    else if (result.outcome === 'failed') live.totals.failed += 1;
    else live.totals.ignored += 1;
  }
  return results;
}

/** How a run ended, as its callers are told. */
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

/**
 * Asked to stop, or past SYNC_RUN_BUDGET_SECONDS: checked after every message fetched, not only between
 * pages, so a page of slow messages (each bounded by its deadline) cannot hold the run far past its budget.
 */
export function pastBudget(live: LiveRun): boolean {
  return live.stopRequested || Date.now() >= live.budgetEndsAt;
}
