import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { timeOrderedId } from '../../libs/ids/time-ordered-id';
import { EntityManager, FindOptionsSelect, MoreThan, Repository } from 'typeorm';
import { SyncFailure, SyncFailureStatus } from './sync-failure.entity';
import type { SyncErrorClass } from './sync-state.entity';

/** A failure as the list shows it: without its raw bytes. */
export type ListedSyncFailure = Omit<SyncFailure, 'raw'>;

/** Every column but the raw bytes: a list of 500 failures would otherwise read 500 messages. */
const LISTED: FindOptionsSelect<SyncFailure> = {
  id: true,
  organizationId: true,
  folder: true,
  uidValidity: true,
  uid: true,
  runId: true,
  status: true,
  errorClass: true,
  reason: true,
  attempts: true,
  size: true,
  ticketId: true,
  createdAt: true,
  updatedAt: true,
};

export interface NewSyncFailure {
  folder: string;
  uidValidity: string;
  uid: number;
  runId: string | null;
  errorClass: SyncErrorClass;
  reason: string;
  size: number;
  raw: Buffer;
  /** A ticket the message still became (e.g. from the headers of a message too large to download). */
  ticketId?: string | null;
}

@Injectable()
export class SyncFailuresRepository {
  constructor(@InjectRepository(SyncFailure) private readonly failures: Repository<SyncFailure>) {}

  /** Records a failure, or counts one more attempt of a message that failed before. */
  async record(organizationId: string, failure: NewSyncFailure, manager?: EntityManager): Promise<void> {
    const failures = manager ? manager.getRepository(SyncFailure) : this.failures;
    const { folder, uidValidity, uid } = failure;
    const existing = await failures.findOneBy({ organizationId, folder, uidValidity, uid });
    if (existing) {
      await failures.update(
        { organizationId, id: existing.id },
        { ...failure, status: 'open', attempts: existing.attempts + 1, updatedAt: new Date() },
      );
      return;
    }
    await failures.insert(
      failures.create({
        ...failure,
        id: timeOrderedId(),
        organizationId,
        status: 'open',
        attempts: 1,
        ticketId: failure.ticketId ?? null,
        updatedAt: new Date(),
      }),
    );
  }

  find(organizationId: string, id: string): Promise<SyncFailure | null> {
    return this.failures.findOneBy({ organizationId, id });
  }

  list(organizationId: string, status: SyncFailureStatus, limit: number): Promise<ListedSyncFailure[]> {
    return this.failures.find({
      select: LISTED,
      where: { organizationId, status },
      order: { createdAt: 'DESC' },
      take: limit,
    });
  }

  /** A page of the failures a run recorded, by UID. */
  listForRun(organizationId: string, runId: string, afterUid: number, limit: number): Promise<ListedSyncFailure[]> {
    return this.failures.find({
      select: LISTED,
      where: { organizationId, runId, uid: MoreThan(afterUid) },
      order: { uid: 'ASC' },
      take: limit,
    });
  }

  countOpen(organizationId: string): Promise<number> {
    return this.failures.countBy({ organizationId, status: 'open' });
  }

  async setStatus(
    organizationId: string,
    id: string,
    status: SyncFailureStatus,
    extra: Partial<SyncFailure> = {},
  ): Promise<void> {
    await this.failures.update({ organizationId, id }, { ...extra, status, updatedAt: new Date() });
  }
}
