import { Injectable } from '@nestjs/common';
import { NotificationsRepository } from './notifications.repository';

/** How the outbox is doing, as other modules (metrics, alerts) may see it. */
export interface OutboxStats {
  /** Messages waiting to be sent (including those waiting for a retry). */
  queued: number;
  /** When the oldest of them was queued; null when none waits. */
  oldestQueuedAt: Date | null;
  /** Messages given up on (status failed) since the time asked about. */
  failedSince: number;
}

/** The outbox's health, for one organization or the whole platform. */
@Injectable()
export class OutboxHealth {
  constructor(private readonly notifications: NotificationsRepository) {}

  /** The organization's outbox, or every organization's when `organizationId` is null. */
  stats(organizationId: string | null, failedSince: Date): Promise<OutboxStats> {
    return this.notifications.queueStats(organizationId, failedSince);
  }
}
