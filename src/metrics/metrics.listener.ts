import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type {
  NotificationDeliverySettledEvent,
  SyncMessagesCommittedEvent,
  SyncRunFinishedEvent,
} from '../common/events/domain-events';
import { HelpdeskMetrics } from './helpdesk-metrics';

/** Turns other modules' domain events into counters and histograms; never calls back into them. */
@Injectable()
export class MetricsListener {
  constructor(private readonly metrics: HelpdeskMetrics) {}

  @OnEvent('sync.run.finished')
  onRunFinished(event: SyncRunFinishedEvent): void {
    const { metrics } = this;
    const organizationId = event.organizationId;
    const outcome =
      event.status === 'succeeded' ? 'ok' : event.status === 'stopped' ? 'stopped' : (event.error?.class ?? 'internal');
    metrics.syncRuns.inc(metrics.withOrganization({ outcome }, organizationId));
    const { tickets, comments, ignored, failed } = event.counts;
    const results: [string, number][] = [
      ['ticket', tickets],
      ['comment', comments],
      ['ignored', ignored],
      ['failed', failed],
    ];
    for (const [result, count] of results) {
      if (count > 0) metrics.messagesIngested.inc(metrics.withOrganization({ result }, organizationId), count);
    }
    const seconds = (event.finishedAt.getTime() - event.startedAt.getTime()) / 1000;
    metrics.syncRunDuration.observe(metrics.withOrganization({}, organizationId), Math.max(0, seconds));
  }

  @OnEvent('sync.messages.committed')
  onMessagesCommitted(event: SyncMessagesCommittedEvent): void {
    const labels = this.metrics.withOrganization({}, event.organizationId);
    const committedAt = event.committedAt.getTime();
    for (const arrivedAt of event.arrivedAt) {
      // INTERNALDATE has second precision and comes from the mail server's clock: never below zero.
      this.metrics.mailToTicket.observe(labels, Math.max(0, (committedAt - arrivedAt.getTime()) / 1000));
    }
  }

  @OnEvent('notification.delivery.settled')
  onDeliverySettled(event: NotificationDeliverySettledEvent): void {
    const { metrics } = this;
    const outcomes: [string, number][] = [
      ['sent', event.sent],
      ['failed', event.failed],
      ['suppressed', event.suppressed],
    ];
    for (const [outcome, count] of outcomes) {
      if (count > 0) metrics.deliveries.inc(metrics.withOrganization({ outcome }, event.organizationId), count);
    }
  }
}
