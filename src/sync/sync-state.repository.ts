import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { SyncState } from './sync-state.entity';
import { SyncWatermark } from './sync-watermark.entity';

export interface RunTotals {
  fetched: number;
  tickets: number;
  comments: number;
  ignored: number;
  failed: number;
}

/** Sync state and watermarks; every method takes the organization id first. */
@Injectable()
export class SyncStateRepository {
  constructor(
    @InjectRepository(SyncState) private readonly states: Repository<SyncState>,
    @InjectRepository(SyncWatermark) private readonly watermarks: Repository<SyncWatermark>,
  ) {}

  find(organizationId: string): Promise<SyncState | null> {
    return this.states.findOneBy({ organizationId });
  }

  /** The organizations whose schedule should be running (after a restart, on every instance). */
  /** Running and not suspended (a disabled organization's schedule stays off across restarts). */
  listRunning(): Promise<SyncState[]> {
    return this.states.findBy({ running: true, suspended: false });
  }

  /**
   * Platform-wide, for metrics: how many mailboxes are stopped, running, or running and failing (the
   * last run failed), counted by the database; per organization when `byOrganization` (one row each).
   */
  async countByState(
    byOrganization: boolean,
  ): Promise<{ organizationId: string | null; state: string; count: number }[]> {
    const query = this.states
      .createQueryBuilder('s')
      .select(
        "CASE WHEN s.running = :stopped THEN 'stopped' WHEN s.consecutive_failures > 0 THEN 'failing' ELSE 'running' END",
        'state',
      )
      .addSelect('COUNT(*)', 'count')
      .setParameter('stopped', false)
      .groupBy('1');
    if (byOrganization) query.addSelect('s.organization_id', 'organizationId').addGroupBy('s.organization_id');
    const rows = await query.getRawMany<{ organizationId?: string; state: string; count: string | number }>();
    return rows.map((row) => ({
      organizationId: row.organizationId ?? null,
      state: row.state,
      count: Number(row.count),
    }));
  }

  async save(organizationId: string, patch: Partial<SyncState>): Promise<SyncState> {
    const existing = await this.find(organizationId);
    const state = this.states.create({ ...existing, ...patch, organizationId });
    return this.states.save(state);
  }

  async update(organizationId: string, patch: Partial<SyncState>): Promise<void> {
    await this.states.update({ organizationId }, patch);
  }

  /**
   * Adds counts to the all-time totals in one statement (safe across instances). Called in each batch's
   * transaction, so the totals move with what commits, whatever happens to the run afterwards.
   */
  async addTotals(organizationId: string, totals: RunTotals, manager?: EntityManager): Promise<void> {
    const states = manager ? manager.getRepository(SyncState) : this.states;
    await states
      .createQueryBuilder()
      .update()
      .set(counterIncrements(totals, 'total_'))
      .where('organization_id = :organizationId', { organizationId })
      .execute();
  }

  findWatermark(organizationId: string, folder: string): Promise<SyncWatermark | null> {
    return this.watermarks.findOneBy({ organizationId, folder });
  }

  /** Watermarks of the organization's folders, newest knowledge first (for "last-sync"). */
  listWatermarks(organizationId: string): Promise<SyncWatermark[]> {
    return this.watermarks.findBy({ organizationId });
  }

  /** Puts the watermark where a (re)start says, also backwards: the ledger keeps re-scans duplicate-free. */
  async setWatermarkExactly(
    organizationId: string,
    folder: string,
    mark: { uidValidity: string; lastUid: number },
  ): Promise<void> {
    await this.watermarks.save(this.watermarks.create({ organizationId, folder, ...mark }));
  }

  /**
   * Moves the watermark; called inside the transaction that stores the message, so the two commit
   * together. It only moves forward, and never across a UIDVALIDITY change (see setWatermarkExactly).
   * One statement (SQLite and PostgreSQL alike): on every sync batch, a read and a write were two
   * more round trips inside its transaction.
   */
  async setWatermark(
    organizationId: string,
    folder: string,
    mark: { uidValidity: string; lastUid: number },
    manager?: EntityManager,
  ): Promise<void> {
    const target = manager ?? this.watermarks.manager;
    const table = target.connection.getMetadata(SyncWatermark).tableName;
    // Behind the mark, or from an older UIDVALIDITY (a retried failure from before a re-numbering): keep it.
    const [sql, parameters] = target.connection.driver.escapeQueryWithParameters(
      `INSERT INTO "${table}" ("organization_id", "folder", "uid_validity", "last_uid")
       VALUES (:organizationId, :folder, :uidValidity, :lastUid)
       ON CONFLICT ("organization_id", "folder") DO UPDATE SET "last_uid" = excluded."last_uid"
       WHERE "${table}"."uid_validity" = excluded."uid_validity" AND "${table}"."last_uid" < excluded."last_uid"`,
      { organizationId, folder, uidValidity: mark.uidValidity, lastUid: mark.lastUid },
    );
    await target.query(sql, parameters);
  }
}

/**
 * `column = column + n` for each count, as a query builder's `set` takes it (`prefix` names the columns:
 * `total_fetched`, or `fetched` on a run). The counts are integers this process computed, never input.
 */
export function counterIncrements(totals: RunTotals, prefix: '' | 'total_'): Record<string, () => string> {
  const increment = (column: string, by: number) => () => `${prefix}${column} + ${Math.trunc(by)}`;
  const names = { fetched: 'Fetched', tickets: 'Tickets', comments: 'Comments', ignored: 'Ignored', failed: 'Failed' };
  const set: Record<string, () => string> = {};
  for (const [column, title] of Object.entries(names) as [keyof RunTotals, string][]) {
    set[prefix ? `total${title}` : column] = increment(column, totals[column]);
  }
  return set;
}
