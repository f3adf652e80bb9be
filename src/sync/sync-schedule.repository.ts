import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository, type WhereExpressionBuilder } from 'typeorm';
import { SyncState } from './sync-state.entity';

/** A due run an instance took: the organization and when it was due (it orders the runs waiting for a slot). */
export interface ClaimedRun {
  organizationId: string;
  dueAtMs: number;
}

/** Claims look at a few more candidates than they want: another instance may take some first. */
const CANDIDATES_PER_WANTED = 2;

/** Scheduled and claimable: running, not suspended, and nobody's claim on it is live. `t`: the alias with its dot, if any. */
function claimable(where: WhereExpressionBuilder, nowMs: number, t: 's.' | ''): void {
  where
    .andWhere(`${t}running = :running`, { running: true })
    .andWhere(`${t}suspended = :suspended`, { suspended: false })
    .andWhere(
      new Brackets((claim) =>
        claim.where(`${t}claimed_until_ms IS NULL`).orWhere(`${t}claimed_until_ms < :nowMs`, { nowMs }),
      ),
    );
}

/**
 * The schedule every instance shares, in `sync_states`: each running organization's due time and the
 * claim an instance holds on a due run. Every change is one statement, compare-and-set where instances
 * race, so the same code is safe on SQLite and on PostgreSQL behind a transaction-mode pooler.
 */
@Injectable()
export class SyncScheduleRepository {
  constructor(@InjectRepository(SyncState) private readonly states: Repository<SyncState>) {}

  /**
   * Sets the due time, only while the organization is running and not suspended (a run that ends after
   * a Stop leaves it unscheduled), and drops any claim: whoever claimed it runs into the new due time.
   * `claimedUntilMs`: the caller runs it itself (Start), and others keep off until then.
   */
  async setDue(organizationId: string, dueAtMs: number, claimedUntilMs: number | null = null): Promise<void> {
    await this.states
      .createQueryBuilder()
      .update()
      .set({ dueAtMs, claimedUntilMs })
      .where('organization_id = :organizationId', { organizationId })
      .andWhere('running = :running', { running: true })
      .andWhere('suspended = :suspended', { suspended: false })
      .execute();
  }

  /** Off the schedule (Stop, suspended). */
  async clear(organizationId: string): Promise<void> {
    await this.states.update({ organizationId }, { dueAtMs: null, claimedUntilMs: null });
  }

  /** Drops every claim, whoever holds it. */
  async releaseAllClaims(): Promise<void> {
    await this.states
      .createQueryBuilder()
      .update()
      .set({ claimedUntilMs: null })
      .where('claimed_until_ms IS NOT NULL')
      .execute();
  }

  /**
   * Takes up to `limit` due runs, oldest due first, each marked claimed until `claimedUntilMs`. Each
   * take is a compare-and-set on the due time and the claim, so of instances racing for one run exactly
   * one gets it, and a run whose due time moved meanwhile is left alone.
   */
  async claimDue(nowMs: number, limit: number, claimedUntilMs: number): Promise<ClaimedRun[]> {
    if (limit <= 0) return [];
    const query = this.states
      .createQueryBuilder('s')
      .select(['s.organizationId', 's.dueAtMs'])
      .where('s.due_at_ms <= :nowMs', { nowMs });
    claimable(query, nowMs, 's.');
    const candidates = await query
      .orderBy('s.due_at_ms', 'ASC')
      .take(limit * CANDIDATES_PER_WANTED)
      .getMany();
    const claimed: ClaimedRun[] = [];
    for (const { organizationId, dueAtMs } of candidates) {
      if (claimed.length >= limit || dueAtMs === null) break;
      const update = this.states
        .createQueryBuilder()
        .update()
        .set({ claimedUntilMs })
        .where('organization_id = :organizationId AND due_at_ms = :dueAtMs', { organizationId, dueAtMs });
      claimable(update, nowMs, '');
      const result = await update.execute();
      if ((result.affected ?? 0) === 1) claimed.push({ organizationId, dueAtMs });
    }
    return claimed;
  }

  /** Those of `organizationIds` that are stopped or suspended now. */
  async offScheduleAmong(organizationIds: string[]): Promise<string[]> {
    if (organizationIds.length === 0) return [];
    const rows = await this.states
      .createQueryBuilder('s')
      .select('s.organizationId')
      .where('s.organization_id IN (:...organizationIds)', { organizationIds })
      .andWhere(
        new Brackets((off) => off.where('s.running = :no', { no: false }).orWhere('s.suspended = :yes', { yes: true })),
      )
      .getMany();
    return rows.map((row) => row.organizationId);
  }

  /**
   * When the next run becomes claimable (epoch ms): the earliest due time, or the end of a live claim
   * on it; null when nothing is scheduled.
   */
  async nextClaimableMs(): Promise<number | null> {
    const row = await this.states
      .createQueryBuilder('s')
      .select('MIN(CASE WHEN s.claimed_until_ms > s.due_at_ms THEN s.claimed_until_ms ELSE s.due_at_ms END)', 'next')
      .where('s.due_at_ms IS NOT NULL')
      .andWhere('s.running = :running', { running: true })
      .andWhere('s.suspended = :suspended', { suspended: false })
      .getRawOne<{ next: string | number | null }>();
    return row?.next === null || row?.next === undefined ? null : Number(row.next);
  }
}
