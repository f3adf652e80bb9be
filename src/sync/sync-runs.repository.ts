import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { timeOrderedId } from '../../libs/ids/time-ordered-id';
import { EntityManager, In, MoreThan, Repository } from 'typeorm';
import { IngestedMessage } from './ingested-message.entity';
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

  /** A process that died mid-run leaves "running" rows; they are closed as interrupted at start. */
  async closeInterrupted(organizationIds: string[]): Promise<void> {
    if (organizationIds.length === 0) return;
    await this.runs.update(
      { organizationId: In(organizationIds), status: 'running' },
      { status: 'interrupted', finishedAt: new Date() },
    );
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
