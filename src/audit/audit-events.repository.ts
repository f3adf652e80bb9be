import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository, SelectQueryBuilder } from 'typeorm';
import { timeOrderedId } from '../../libs/ids/time-ordered-id';
import { AuditEvent } from './audit-event.entity';
import type { AuditChanges } from './masked-changes';

export type NewAuditEvent = Omit<AuditEvent, 'id' | 'changes'> & { changes: AuditChanges | null };

/** Whose rows a reader sees: one organization's (an admin), or every row (the superadmin). */
export type AuditScope = { organizationId: string } | { allOrganizations: true };

export interface AuditFilter {
  /** An action name, or a dotted prefix of names (`sync` finds `sync.started`, `sync.stopped`, …). */
  action?: string;
  /** The actor's user id, or the email address (also the one a failed sign-in tried). */
  actorUserId?: string;
  actorEmail?: string;
  from?: Date;
  to?: Date;
}

/** Rows deleted per statement by the prune: a long backlog goes in short transactions. */
const PRUNE_BATCH = 1000;

@Injectable()
export class AuditEventsRepository {
  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  async insert(event: NewAuditEvent): Promise<void> {
    const changes = event.changes ? JSON.stringify(event.changes) : null;
    await this.events.insert({ ...event, id: timeOrderedId(), changes });
  }

  /** A page of rows, newest first; ties in time are broken by the time-ordered id, so pages never overlap. */
  async page(scope: AuditScope, filter: AuditFilter, page: number, pageSize: number): Promise<[AuditEvent[], number]> {
    const query = this.events.createQueryBuilder('event');
    if ('organizationId' in scope) query.where('event.organizationId = :organizationId', scope);
    applyFilter(query, filter);
    return query
      .orderBy('event.at', 'DESC')
      .addOrderBy('event.id', 'DESC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
  }

  /**
   * Deletes every row older than `before`, of every organization: retention is one platform-wide
   * period. On PostgreSQL each batch sets `helpdesk.audit_prune` for its own transaction only, the one
   * thing the append-only trigger lets DELETE through for (see the migration).
   */
  async prune(before: Date): Promise<number> {
    const postgres = this.events.manager.connection.options.type === 'postgres';
    let total = 0;
    for (;;) {
      const deleted = await this.events.manager.transaction(async (manager) => {
        if (postgres) await manager.query("SELECT set_config('helpdesk.audit_prune', 'on', true)");
        const ids = await manager
          .getRepository(AuditEvent)
          .createQueryBuilder('event')
          .select('event.id', 'id')
          .where('event.at < :before', { before })
          .orderBy('event.at', 'ASC')
          .limit(PRUNE_BATCH)
          .getRawMany<{ id: string }>();
        if (ids.length > 0) await manager.getRepository(AuditEvent).delete(ids.map((row) => row.id));
        return ids.length;
      });
      total += deleted;
      if (deleted < PRUNE_BATCH) return total;
    }
  }
}

function applyFilter(query: SelectQueryBuilder<AuditEvent>, filter: AuditFilter): void {
  if (filter.action) {
    // The query DTO allows only [a-z0-9.-] in an action, so LIKE's wildcards cannot come from the caller.
    query.andWhere(
      new Brackets((either) =>
        either.where('event.action = :action', filter).orWhere('event.action LIKE :prefix', {
          prefix: `${filter.action}.%`,
        }),
      ),
    );
  }
  if (filter.actorUserId) query.andWhere('event.actorUserId = :actorUserId', filter);
  if (filter.actorEmail) query.andWhere('event.actorEmail = :actorEmail', filter);
  if (filter.from) query.andWhere('event.at >= :from', filter);
  if (filter.to) query.andWhere('event.at <= :to', filter);
}
