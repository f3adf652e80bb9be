import { Injectable } from '@nestjs/common';
import type { SyncStatusResponse } from './dto/sync-status.response';
import type { SyncRunResponse } from './dto/sync-run.response';
import { AlertsService } from '../alerts/alerts.service';
import { NotFoundError } from '../common/errors/domain-error';
import type { SyncRun } from './sync-run.entity';
import { SyncRunner } from './sync-runner';
import { nextRunDue } from './sync-scheduler';
import type { SyncState } from './sync-state.entity';
import { mergeRunPage, type RunMessage } from './run-messages';
import { PushStatus } from './push-status';
import { SyncFailuresRepository } from './sync-failures.repository';
import { SyncRunsRepository } from './sync-runs.repository';
import { SyncStateRepository } from './sync-state.repository';

/** Builds the API's read models from the stored state and the run in progress. */
@Injectable()
export class SyncViews {
  constructor(
    private readonly state: SyncStateRepository,
    private readonly runs: SyncRunsRepository,
    private readonly failures: SyncFailuresRepository,
    private readonly runner: SyncRunner,
    private readonly alerts: AlertsService,
    private readonly push: PushStatus,
  ) {}

  async status(organizationId: string): Promise<SyncStatusResponse> {
    const [state, alert] = await Promise.all([this.state.find(organizationId), this.alerts.syncAlert(organizationId)]);
    const live = this.runner.current(organizationId);
    const interval = state?.intervalSeconds ?? 300;
    const syncing = live !== null && !live.queued;
    return {
      state: state?.running ? 'running' : 'stopped',
      neverStarted: !state?.fromMode,
      syncing,
      queued: live?.queued ?? false,
      from: state?.fromMode ?? null,
      since: state?.since ?? null,
      markSeen: state?.markSeen ?? false,
      intervalSeconds: interval,
      lastRunAt: state?.lastRunAt ?? null,
      lastSuccessAt: state?.lastSuccessAt ?? null,
      nextRunAt: state?.running && !syncing ? this.nextRunAt(state) : null,
      consecutiveFailures: state?.consecutiveFailures ?? 0,
      lastError:
        state?.lastErrorClass && state.lastErrorAt
          ? { class: state.lastErrorClass, message: state.lastErrorMessage ?? '', at: state.lastErrorAt }
          : null,
      totals: {
        fetched: state?.totalFetched ?? 0,
        tickets: state?.totalTickets ?? 0,
        comments: state?.totalComments ?? 0,
        ignored: state?.totalIgnored ?? 0,
        failed: state?.totalFailed ?? 0,
      },
      currentRun:
        live && !live.queued
          ? { runId: live.runId, startedAt: live.startedAt, fetched: live.totals.fetched, total: live.total }
          : null,
      alert: alert && {
        id: alert.id,
        kind: alert.kind,
        title: alert.title,
        since: alert.since,
        lastError: alert.lastError,
        hint: alert.hint,
      },
      push: await this.push.of(organizationId, state?.running ?? false),
    };
  }

  /** The scheduler's due time (SyncScheduler arms its timer for it); now when overdue. */
  private nextRunAt(state: SyncState): Date {
    const due = nextRunDue(state);
    return due && due.getTime() > Date.now() ? due : new Date();
  }

  async recentRuns(organizationId: string, limit: number): Promise<SyncRunResponse[]> {
    const runs = await this.runs.listRecent(organizationId, limit);
    return this.withIgnored(organizationId, runs);
  }

  async run(organizationId: string, id: string): Promise<SyncRunResponse> {
    const run = await this.runs.find(organizationId, id);
    if (!run) throw new NotFoundError('Sync run');
    const [view] = await this.withIgnored(organizationId, [run]);
    return view;
  }

  /** Every message of the run, with what it became, a page at a time by UID. */
  async runMessages(
    organizationId: string,
    runId: string,
    afterUid: number,
    limit: number,
  ): Promise<{ items: RunMessage[]; nextAfter: number | null }> {
    if (!(await this.runs.find(organizationId, runId))) throw new NotFoundError('Sync run');
    const [taken, failed] = await Promise.all([
      this.runs.listTaken(organizationId, runId, afterUid, limit),
      this.failures.listForRun(organizationId, runId, afterUid, limit),
    ]);
    return mergeRunPage(taken, failed, limit);
  }

  /** One query for the ignored messages of all listed runs (no N+1). */
  private async withIgnored(organizationId: string, runs: SyncRun[]): Promise<SyncRunResponse[]> {
    const ignored = await this.runs.listIgnored(
      organizationId,
      runs.map((run) => run.id),
    );
    return runs.map((run) => ({
      id: run.id,
      trigger: run.trigger,
      status: run.status,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      total: run.total,
      fetched: run.fetched,
      tickets: run.tickets,
      comments: run.comments,
      ignored: run.ignored,
      failed: run.failed,
      error: run.errorClass ? { class: run.errorClass, message: run.errorMessage ?? '' } : null,
      ignoredMessages: ignored
        .filter((message) => message.runId === run.id)
        .map((message) => ({
          uid: message.uid,
          from: message.fromAddress,
          subject: message.subject,
          reason: message.reason ?? message.outcome,
          ticketId: message.ticketId,
        })),
    }));
  }
}
