import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '../common/errors/domain-error';
import { TransactionRunner } from '../database/transaction-runner';
import type { ListNotificationsQuery } from './dto/list-notifications.query';
import { NotificationResponse } from './dto/notification.response';
import { LOOP_BRAKE_REASON } from './notification-planner';
import { NotificationSender } from './notification-sender';
import { NotificationsRepository } from './notifications.repository';

/** The admin's view of the outbox: what was sent, what waits, what failed and why; and retrying. */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly transactions: TransactionRunner,
    private readonly sender: NotificationSender,
  ) {}

  async list(organizationId: string, query: ListNotificationsQuery): Promise<NotificationResponse[]> {
    const filter = {
      ...(query.status ? { status: query.status } : {}),
      ...(query.ticketId ? { ticketId: query.ticketId.toLowerCase() } : {}),
    };
    const rows = await this.notifications.list(organizationId, filter, query.limit);
    return rows.map((row) => NotificationResponse.from(row));
  }

  /**
   * Queues a failed message again with a fresh count of attempts, or sends one the loop brake held
   * back. Mail refused for its recipient (our own address, a machine mailbox) stays refused.
   */
  async retry(organizationId: string, id: string): Promise<NotificationResponse> {
    const row = await this.notifications.find(organizationId, id);
    if (!row) throw new NotFoundError('Notification');
    const retryable =
      row.status === 'failed' || (row.status === 'suppressed' && row.reason?.startsWith(LOOP_BRAKE_REASON));
    if (!retryable) {
      throw new ConflictError(
        'NOTIFICATION_NOT_RETRYABLE',
        `Only failed notifications, or ones the loop brake held back, can be retried (this one is ${row.status})`,
      );
    }
    await this.transactions.run((manager) => this.notifications.requeue(organizationId, id, manager));
    this.sender.wake();
    const requeued = await this.notifications.find(organizationId, id);
    if (!requeued) throw new NotFoundError('Notification');
    return NotificationResponse.from(requeued);
  }
}
