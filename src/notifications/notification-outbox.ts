import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainEventPublisher } from '../database/domain-event-publisher';
import { TransactionRunner } from '../database/transaction-runner';
import { NotificationEventsRepository, type StagedEvent } from './notification-events.repository';
import type { NotificationTrigger } from './notification-kinds';
import { NotificationSender } from './notification-sender';

/**
 * The write side of the outbox: for each ticket event that may call for mail, one outbox row written
 * inside the transaction that publishes the event, so it commits exactly when the ticket's data does
 * (and never for work that rolled back). Internal notes, system notes and changes other than a
 * resolution write nothing. After the commit the sender is woken to plan and send at once.
 */
@Injectable()
export class NotificationOutbox implements OnModuleInit, OnModuleDestroy {
  private removals: Array<() => void> = [];
  /** Rows waiting for the COMMIT of their transaction, by its manager. */
  private readonly staged = new WeakMap<EntityManager, StagedEvent[]>();

  constructor(
    private readonly events: DomainEventPublisher,
    private readonly transactions: TransactionRunner,
    private readonly outbox: NotificationEventsRepository,
    private readonly sender: NotificationSender,
  ) {}

  onModuleInit(): void {
    this.removals = [
      this.events.handleInTransaction('ticket.created', (event, manager) =>
        this.stage(
          event.organizationId,
          event.ticketId,
          { type: 'ticket-created', commentId: event.commentId, source: event.source },
          manager,
        ),
      ),
      this.events.handleInTransaction('ticket.commented', async (event, manager) => {
        if (event.internal || event.kind === 'system') return;
        const type = event.kind === 'agent' ? 'agent-commented' : 'requester-commented';
        await this.stage(event.organizationId, event.ticketId, { type, commentId: event.commentId }, manager);
      }),
      this.events.handleInTransaction('ticket.updated', async (event, manager) => {
        if (event.changes.status?.to !== 'resolved') return;
        const trigger: NotificationTrigger = { type: 'ticket-resolved', actorUserId: event.actorUserId };
        await this.stage(event.organizationId, event.ticketId, trigger, manager);
      }),
    ];
  }

  onModuleDestroy(): void {
    for (const remove of this.removals) remove();
    this.removals = [];
  }

  /**
   * Queues the row for the transaction and writes all of its rows in one statement, last before its
   * COMMIT (the in-transaction handlers themselves run in that stage, after any savepoint has settled):
   * a sync batch that opens 50 tickets writes one INSERT, not 50.
   */
  private async stage(
    organizationId: string,
    ticketId: string,
    trigger: NotificationTrigger,
    manager: EntityManager,
  ): Promise<void> {
    let staged = this.staged.get(manager);
    if (!staged) {
      const rows: StagedEvent[] = (staged = []);
      this.staged.set(manager, rows);
      this.transactions.beforeCommit(manager, async (transaction) => {
        this.staged.delete(manager);
        await this.outbox.insertMany(rows, transaction);
      });
      this.transactions.afterCommit(manager, () => this.sender.wake());
    }
    staged.push({ organizationId, ticketId, trigger });
  }
}
