import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, MoreThanOrEqual, Repository } from 'typeorm';
import { Notification, NotificationStatus } from './notification.entity';

/** What the sender records about one claimed message. */
export type DeliveryOutcome =
  | { id: string; status: 'sent'; response: string }
  | { id: string; status: 'queued'; attempts: number; nextAttemptAt: Date; reason: string }
  | { id: string; status: 'failed'; attempts: number; reason: string }
  /** Not tried this round (e.g. the server went away mid-batch): back in the queue, no attempt counted. */
  | { id: string; status: 'released'; nextAttemptAt: Date };

/** Only the rows the loop brake counts: what was or will be sent. */
const COUNTED: NotificationStatus[] = ['queued', 'sent', 'failed'];

/** The only place that touches the notifications table. Tenant methods take the organization id first. */
@Injectable()
export class NotificationsRepository {
  constructor(@InjectRepository(Notification) private readonly notifications: Repository<Notification>) {}

  async insertMany(rows: Notification[], manager: EntityManager): Promise<void> {
    if (rows.length === 0) return;
    await manager.createQueryBuilder().insert().into(Notification).values(rows).updateEntity(false).execute();
  }

  /** Automatic messages to `recipient` since `since` (loop brake, per recipient). */
  countRecentToRecipient(
    organizationId: string,
    recipient: string,
    since: Date,
    manager: EntityManager,
  ): Promise<number> {
    return manager
      .createQueryBuilder(Notification, 'n')
      .where('n.organizationId = :organizationId AND n.recipient = :recipient', { organizationId, recipient })
      .andWhere('n.createdAt >= :since', { since })
      .andWhere('n.automatic = :automatic', { automatic: true })
      .andWhere('n.status IN (:...counted)', { counted: COUNTED })
      .getCount();
  }

  /** Events that sent automatic mail about the ticket since `since` (loop brake, per ticket). */
  async countRecentEventsForTicket(
    organizationId: string,
    ticketId: string,
    since: Date,
    manager: EntityManager,
  ): Promise<number> {
    const row = await manager
      .createQueryBuilder(Notification, 'n')
      .select('COUNT(DISTINCT n.eventId)', 'events')
      .where('n.organizationId = :organizationId AND n.ticketId = :ticketId', { organizationId, ticketId })
      .andWhere('n.createdAt >= :since', { since })
      .andWhere('n.automatic = :automatic', { automatic: true })
      .andWhere('n.status IN (:...counted)', { counted: COUNTED })
      .getRawOne<{ events: number | string }>();
    return Number(row?.events ?? 0);
  }

  /**
   * Leases up to `limit` queued messages whose time has come, across organizations, for `owner`.
   * PostgreSQL: `FOR UPDATE SKIP LOCKED`, so instances claiming at the same moment take different
   * rows; the lease keeps them off each other's rows until the outcome is recorded.
   */
  async claimDue(
    manager: EntityManager,
    owner: string,
    now: Date,
    leaseUntil: Date,
    limit: number,
  ): Promise<Notification[]> {
    const candidates = manager
      .createQueryBuilder(Notification, 'n')
      .select('n.id', 'id')
      .where('n.status = :status', { status: 'queued' })
      .andWhere('n.nextAttemptAt <= :now', { now })
      .andWhere('(n.leaseUntil IS NULL OR n.leaseUntil < :now)', { now })
      .orderBy('n.status')
      .addOrderBy('n.nextAttemptAt')
      .limit(limit);
    if (manager.connection.options.type === 'postgres')
      candidates.setLock('pessimistic_write').setOnLocked('skip_locked');
    const ids = ((await candidates.getRawMany()) as { id: string }[]).map((row) => row.id);
    if (ids.length === 0) return [];
    await manager.update(Notification, { id: In(ids) }, { leaseOwner: owner, leaseUntil });
    const rows = await manager.findBy(Notification, { id: In(ids) });
    return rows.sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime());
  }

  /** Extends the lease of every row this owner still holds (claimed, outcome not yet recorded). */
  async renewLeases(manager: EntityManager, owner: string, leaseUntil: Date): Promise<void> {
    await manager.update(Notification, { leaseOwner: owner, status: 'queued' }, { leaseUntil });
  }

  /**
   * Records outcomes of rows this owner still holds (a row whose lease another instance took is left
   * alone). Sent rows, nearly all of them, are recorded in one statement.
   */
  async recordOutcomes(manager: EntityManager, owner: string, outcomes: DeliveryOutcome[]): Promise<number> {
    const now = new Date();
    const sent = outcomes.filter((outcome) => outcome.status === 'sent');
    let recorded = sent.length > 0 ? await this.recordSent(manager, owner, sent, now) : 0;
    for (const outcome of outcomes) {
      if (outcome.status === 'sent') continue;
      const patch: Partial<Notification> = { leaseOwner: null, leaseUntil: null, updatedAt: now };
      if (outcome.status === 'released') patch.nextAttemptAt = outcome.nextAttemptAt;
      else {
        Object.assign(patch, {
          status: outcome.status,
          attempts: outcome.attempts,
          reason: outcome.reason.slice(0, 2000),
        });
        if (outcome.status === 'queued') patch.nextAttemptAt = outcome.nextAttemptAt;
      }
      const result = await manager.update(Notification, { id: outcome.id, leaseOwner: owner }, patch);
      recorded += result.affected ?? 0;
    }
    return recorded;
  }

  private async recordSent(
    manager: EntityManager,
    owner: string,
    sent: Extract<DeliveryOutcome, { status: 'sent' }>[],
    now: Date,
  ): Promise<number> {
    const parameters: Record<string, string> = {};
    const cases = sent.map((outcome, i) => {
      parameters[`id${i}`] = outcome.id;
      parameters[`response${i}`] = outcome.response;
      return `WHEN :id${i} THEN :response${i}`;
    });
    const result = await manager
      .createQueryBuilder()
      .update(Notification)
      .set({
        status: 'sent',
        sentAt: now,
        updatedAt: now,
        leaseOwner: null,
        leaseUntil: null,
        smtpResponse: () => `CASE "id" ${cases.join(' ')} END`,
      })
      .where('id IN (:...ids)', { ids: sent.map((outcome) => outcome.id) })
      .andWhere('lease_owner = :owner', { owner })
      .setParameters(parameters)
      .execute();
    return result.affected ?? 0;
  }

  list(
    organizationId: string,
    filter: { status?: NotificationStatus; ticketId?: string },
    limit: number,
  ): Promise<Notification[]> {
    return this.notifications.find({
      where: { organizationId, ...filter },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
    });
  }

  /**
   * Messages waiting to be sent and the oldest of them, and those that failed since `failedSince`: of one
   * organization, or of all when `organizationId` is null (a platform-wide figure, never a tenant's view).
   */
  async queueStats(
    organizationId: string | null,
    failedSince: Date,
  ): Promise<{ queued: number; oldestQueuedAt: Date | null; failedSince: number }> {
    const scope = organizationId ? { organizationId } : {};
    const [queued, oldest, failed] = await Promise.all([
      this.notifications.countBy({ ...scope, status: 'queued' }),
      // Read through the entity, so the time means the same on both databases (SQLite keeps UTC text).
      this.notifications.findOne({
        select: { id: true, createdAt: true },
        where: { ...scope, status: 'queued' },
        order: { createdAt: 'ASC' },
      }),
      this.notifications.countBy({ ...scope, status: 'failed', updatedAt: MoreThanOrEqual(failedSince) }),
    ]);
    return { queued, oldestQueuedAt: oldest?.createdAt ?? null, failedSince: failed };
  }

  find(organizationId: string, id: string): Promise<Notification | null> {
    return this.notifications.findOneBy({ organizationId, id });
  }

  /** Back in the queue now, with a fresh count of attempts (an admin's retry). */
  async requeue(organizationId: string, id: string, manager: EntityManager): Promise<boolean> {
    const now = new Date();
    const result = await manager.update(
      Notification,
      { organizationId, id, status: In(['failed', 'suppressed']) },
      { status: 'queued', attempts: 0, nextAttemptAt: now, leaseOwner: null, leaseUntil: null, updatedAt: now },
    );
    return (result.affected ?? 0) > 0;
  }
}
