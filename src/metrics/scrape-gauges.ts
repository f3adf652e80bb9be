import { Injectable, Logger } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { OutboxHealth, type OutboxStats } from '../notifications/outbox-health';
import { MAILBOX_STATES, SyncHealth } from '../sync/sync-health';
import { HelpdeskMetrics, METRIC_PREFIX } from './helpdesk-metrics';

/**
 * Gauges read from the database when Prometheus scrapes, through the snapshot services other modules
 * export (SyncHealth, OutboxHealth): nothing to keep in step between scrapes, and every instance reports
 * the same platform-wide figures. A failed read keeps the previous values (and is logged).
 */
@Injectable()
export class ScrapeGauges {
  private readonly logger = new Logger(ScrapeGauges.name);
  /** One outbox read serves both outbox gauges of a scrape (prom-client collects them concurrently). */
  private outboxRead: Promise<OutboxStats | null> | null = null;

  constructor(
    private readonly metrics: HelpdeskMetrics,
    private readonly sync: SyncHealth,
    private readonly outbox: OutboxHealth,
  ) {
    const registers = [metrics.registry];
    const mailboxes: Gauge<string> = new Gauge({
      name: `${METRIC_PREFIX}mailboxes`,
      help: 'Organizations’ mailboxes by sync state: running, stopped, failing (running, last run failed)',
      labelNames: metrics.perOrganization ? ['state', 'organization'] : ['state'],
      registers,
      collect: (): Promise<void> => this.collectMailboxes(mailboxes),
    });
    const queued: Gauge = new Gauge({
      name: `${METRIC_PREFIX}outbox_queued`,
      help: 'Notification mail waiting to be sent, retries included (all organizations)',
      registers,
      collect: async () => {
        const stats = await this.readOutbox();
        if (stats) queued.set(stats.queued);
      },
    });
    const oldest: Gauge = new Gauge({
      name: `${METRIC_PREFIX}outbox_oldest_queued_seconds`,
      help: 'Age of the oldest notification mail still waiting to be sent; 0 when none waits',
      registers,
      collect: async () => {
        const stats = await this.readOutbox();
        if (stats)
          oldest.set(stats.oldestQueuedAt ? Math.max(0, (Date.now() - stats.oldestQueuedAt.getTime()) / 1000) : 0);
      },
    });
  }

  private async collectMailboxes(gauge: Gauge<string>): Promise<void> {
    const perOrganization = this.metrics.perOrganization;
    try {
      const counts = await this.sync.mailboxStates(perOrganization);
      gauge.reset();
      if (!perOrganization) for (const state of MAILBOX_STATES) gauge.set({ state }, 0);
      for (const { organizationId, state, count } of counts) {
        gauge.set(perOrganization && organizationId ? { state, organization: organizationId } : { state }, count);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not read the mailboxes’ sync states for /metrics');
    }
  }

  private readOutbox(): Promise<OutboxStats | null> {
    if (!this.outboxRead) {
      // failedSince is not reported here (helpdesk_deliveries_total counts failures as they happen).
      this.outboxRead = this.outbox
        .stats(null, new Date())
        .catch((error: unknown) => {
          this.logger.warn({ err: error }, 'Could not read the notification outbox for /metrics');
          return null;
        })
        .finally(() => setImmediate(() => (this.outboxRead = null)));
    }
    return this.outboxRead;
  }
}
