import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { timeOrderedId } from '../../libs/ids/time-ordered-id';
import { EntityManager, In, MoreThan, Repository } from 'typeorm';
import { IngestedMessage } from './ingested-message.entity';
import { SyncFailure } from './sync-failure.entity';
import { SyncRun, SyncTrigger } from './sync-run.entity';
import { counterIncrements, type RunTotals } from './sync-state.repository';

@Injectable()
export class SyncRunsRepository {
  constructor(
    @InjectRepository(SyncRun) private readonly runs: Repository<SyncRun>,
    @InjectRepository(IngestedMessage) private readonly ingested: Repository<IngestedMessage>,
  ) {}

  start(organizationId: string, trigger: SyncTrigger): Promise<SyncRun> {
    return this.runs.save(
      this.runs.create({
        id: timeOrderedId(),
        organizationId,
        trigger,
        status: 'running',
        startedAt: new Date(),
        finishedAt: null,
        total: null,
        errorClass: null,
        errorMessage: null,
      }),
    );
  }

  async update(organizationId: string, id: string, patch: Partial<SyncRun>): Promise<void> {
    await this.runs.update({ organizationId, id }, patch);
  }

  /** Adds a committed batch's counts to the run, in the batch's transaction. */
  async addCounts(organizationId: string, id: string, counts: RunTotals, manager: EntityManager): Promise<void> {
    await manager
      .getRepository(SyncRun)
      .createQueryBuilder()
      .update()
      .set(counterIncrements(counts, ''))
      .where('organization_id = :organizationId AND id = :id', { organizationId, id })
      .execute();
  }

  find(organizationId: string, id: string): Promise<SyncRun | null> {
    return this.runs.findOneBy({ organizationId, id });
  }

  listRecent(organizationId: string, limit: number): Promise<SyncRun[]> {
    return this.runs.find({ where: { organizationId }, order: { startedAt: 'DESC' }, take: limit });
  }

  /** The organization's runs still marked running (what a process that died mid-run leaves). */
  listRunning(organizationId: string): Promise<SyncRun[]> {
    return this.runs.findBy({ organizationId, status: 'running' });
  }

  /**
   * What the ledger holds for a run: its messages by outcome, and the failures it recorded. This is
   * what the run committed, whatever its counters say (they are repaired from it, see SyncRunRecorder).
   */
  async ledgerCounts(organizationId: string, runId: string, manager: EntityManager): Promise<RunTotals> {
    const outcomes: { outcome: string; count: string | number }[] = await manager
      .getRepository(IngestedMessage)
      .createQueryBuilder('m')
      .select('m.outcome', 'outcome')
      .addSelect('COUNT(*)', 'count')
      .where('m.organization_id = :organizationId AND m.run_id = :runId', { organizationId, runId })
      .groupBy('m.outcome')
      .getRawMany();
    const failed = await manager.getRepository(SyncFailure).countBy({ organizationId, runId });
    const counts: RunTotals = { fetched: failed, tickets: 0, comments: 0, ignored: 0, failed };
    for (const row of outcomes) {
      const count = Number(row.count);
      counts.fetched += count;
      if (row.outcome === 'ticket') counts.tickets += count;
      else if (row.outcome === 'comment') counts.comments += count;
      else counts.ignored += count;
    }
    return counts;
  }

  /** Closes a run a crash left running, with the counts the ledger gives it. */
  async closeInterrupted(organizationId: string, id: string, counts: RunTotals, manager: EntityManager): Promise<void> {
    await manager
      .getRepository(SyncRun)
      .update({ organizationId, id, status: 'running' }, { status: 'interrupted', finishedAt: new Date(), ...counts });
  }

  /** A page of the messages a run took, by UID, without their bytes. */
  listTaken(organizationId: string, runId: string, afterUid: number, limit: number): Promise<IngestedMessage[]> {
    return this.ingested.find({
      select: { uid: true, outcome: true, reason: true, ticketId: true, fromAddress: true, subject: true },
      where: { organizationId, runId, uid: MoreThan(afterUid) },
      order: { uid: 'ASC' },
      take: limit,
    });
  }

  /** What each of the given runs ignored, and why (the per-run "ignored" list). */
  listIgnored(organizationId: string, runIds: string[]): Promise<IngestedMessage[]> {
    if (runIds.length === 0) return Promise.resolve([]);
    return this.ingested.find({
      where: { organizationId, runId: In(runIds), outcome: In(['ignored', 'bounce-noted']) },
      order: { uid: 'ASC' },
      take: 1000,
    });
  }
}
