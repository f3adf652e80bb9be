import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { timeOrderedId } from '../../libs/ids/time-ordered-id';
import { EntityManager, In, Repository } from 'typeorm';
import type { NotificationTrigger } from './notification-kinds';
import { insertRows } from '../database/insert-rows';
import { NotificationEvent } from './notification-event.entity';

/** A ticket event that may call for mail, to be planned after its transaction commits. */
export interface StagedEvent {
  organizationId: string;
  ticketId: string;
  trigger: NotificationTrigger;
}

/** The only place that touches notification_events. Tenant methods take the organization id first. */
@Injectable()
export class NotificationEventsRepository {
  constructor(@InjectRepository(NotificationEvent) private readonly events: Repository<NotificationEvent>) {}

  /** Written with the manager of the transaction that made the fact true, in one statement. */
  async insertMany(events: StagedEvent[], manager: EntityManager): Promise<void> {
    const now = Date.now();
    const rows: NotificationEvent[] = [];
    for (const [index, { organizationId, ticketId, trigger }] of events.entries()) {
      rows.push({
        id: timeOrderedId(),
        organizationId,
        ticketId,
        trigger,
        attempts: 0,
        lastError: null,
        leaseUntil: null,
        processedAt: null,
        // A millisecond apart: events are claimed by created_at, so they are planned in the order staged.
        createdAt: new Date(now + index),
      });
    }
    await insertRows(manager, NotificationEvent, rows);
  }

  /**
   * Leases up to `limit` unprocessed events, oldest first, across organizations (the sender's own
   * work queue). PostgreSQL skips rows another instance is claiming at the same moment.
   */
  async claim(manager: EntityManager, now: Date, leaseUntil: Date, limit: number): Promise<NotificationEvent[]> {
    const postgres = manager.connection.options.type === 'postgres';
    const candidates = manager
      .createQueryBuilder(NotificationEvent, 'event')
      .select('event.id', 'id')
      .where('event.processedAt IS NULL')
      .andWhere('(event.leaseUntil IS NULL OR event.leaseUntil < :now)', { now })
      .orderBy('event.processedAt')
      .addOrderBy('event.createdAt')
      .limit(limit);
    if (postgres) candidates.setLock('pessimistic_write').setOnLocked('skip_locked');
    const ids = ((await candidates.getRawMany()) as { id: string }[]).map((row) => row.id);
    if (ids.length === 0) return [];
    await manager.update(NotificationEvent, { id: In(ids) }, { leaseUntil });
    const rows = await manager.findBy(NotificationEvent, { id: In(ids) });
    return rows.sort(byCreation);
  }

  /** Locks the event for planning; null when it is gone or another transaction already planned it. */
  lockUnprocessed(organizationId: string, id: string, manager: EntityManager): Promise<NotificationEvent | null> {
    const query = manager
      .createQueryBuilder(NotificationEvent, 'event')
      .where('event.organizationId = :organizationId AND event.id = :id', { organizationId, id })
      .andWhere('event.processedAt IS NULL');
    if (manager.connection.options.type === 'postgres') query.setLock('pessimistic_write');
    return query.getOne();
  }

  async markProcessed(organizationId: string, id: string, note: string | null, manager?: EntityManager): Promise<void> {
    await this.markManyProcessed(organizationId, [id], note, manager);
  }

  async markManyProcessed(
    organizationId: string,
    ids: string[],
    note: string | null,
    manager?: EntityManager,
  ): Promise<void> {
    if (ids.length === 0) return;
    await this.repository(manager).update(
      { organizationId, id: In(ids) },
      { processedAt: new Date(), leaseUntil: null, ...(note ? { lastError: note } : {}) },
    );
  }

  /** Planning failed: try again after `retryAt`, or give up (processed, with the error) after too many tries. */
  async recordFailure(
    organizationId: string,
    event: NotificationEvent,
    error: string,
    retryAt: Date,
    giveUp: boolean,
    manager?: EntityManager,
  ): Promise<void> {
    await this.repository(manager).update(
      { organizationId, id: event.id },
      {
        attempts: event.attempts + 1,
        lastError: error.slice(0, 2000),
        leaseUntil: giveUp ? null : retryAt,
        processedAt: giveUp ? new Date() : null,
      },
    );
  }

  private repository(manager?: EntityManager): Repository<NotificationEvent> {
    return manager ? manager.getRepository(NotificationEvent) : this.events;
  }
}

/** Oldest first, ties by id; module-level because V8 drops a per-call comparator's optimized code at each full GC. */
function byCreation(a: NotificationEvent, b: NotificationEvent): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id);
}
