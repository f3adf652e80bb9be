import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { AppConfig } from '../config/app-config';

/** Every family's name starts with it, the Node process metrics' too. */
export const METRIC_PREFIX = 'helpdesk_';

/** The label a series gets when METRICS_PER_ORGANIZATION=true; never there otherwise. */
type OrganizationLabel = 'organization';

const SYNC_OUTCOMES = ['ok', 'stopped'];
const INGEST_RESULTS = ['ticket', 'comment', 'ignored', 'failed'];
const DELIVERY_OUTCOMES = ['sent', 'failed', 'suppressed'];

/**
 * The application's metric families, in a registry of this application's own (not prom-client's global
 * one), so two applications in one process (tests, a sibling instance) never share a counter. Fed by
 * domain events (MetricsListener), the HTTP middleware (HttpMetrics) and, at scrape time, ScrapeGauges.
 *
 * Labels are bounded: outcomes, results and states are fixed lists, routes are templates. The
 * organization is a label only with METRICS_PER_ORGANIZATION=true (one series per tenant and value).
 */
@Injectable()
export class HelpdeskMetrics {
  readonly registry = new Registry();
  readonly perOrganization: boolean;
  readonly syncRuns: Counter<'outcome' | OrganizationLabel>;
  readonly messagesIngested: Counter<'result' | OrganizationLabel>;
  readonly syncRunDuration: Histogram<OrganizationLabel>;
  readonly mailToTicket: Histogram<OrganizationLabel>;
  readonly deliveries: Counter<'outcome' | OrganizationLabel>;
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status'>;

  constructor(config: AppConfig) {
    this.perOrganization = config.metrics.perOrganization;
    const organization: OrganizationLabel[] = this.perOrganization ? ['organization'] : [];
    const registers = [this.registry];
    this.syncRuns = new Counter({
      name: `${METRIC_PREFIX}sync_runs_total`,
      help: 'Sync runs that ended, by outcome: ok, stopped, or the error class of a failed run (auth, network, …)',
      labelNames: ['outcome', ...organization],
      registers,
    });
    this.messagesIngested = new Counter({
      name: `${METRIC_PREFIX}messages_ingested_total`,
      help: 'Messages synced, by what they became: ticket, comment, ignored, failed (counted when their run ends)',
      labelNames: ['result', ...organization],
      registers,
    });
    this.syncRunDuration = new Histogram({
      name: `${METRIC_PREFIX}sync_run_duration_seconds`,
      help: 'How long sync runs took, from the request (or the scheduled tick) to the recorded end',
      labelNames: organization,
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800],
      registers,
    });
    this.mailToTicket = new Histogram({
      name: `${METRIC_PREFIX}mail_to_ticket_seconds`,
      help: 'From a message reaching the mailbox (IMAP INTERNALDATE) to its ticket or comment being committed',
      labelNames: organization,
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 6 * 3600, 24 * 3600],
      registers,
    });
    this.deliveries = new Counter({
      name: `${METRIC_PREFIX}deliveries_total`,
      help: 'Notification mail by final outcome: sent, failed (permanently or out of attempts), suppressed',
      labelNames: ['outcome', ...organization],
      registers,
    });
    this.httpRequestDuration = new Histogram({
      name: `${METRIC_PREFIX}http_request_duration_seconds`,
      help: 'HTTP requests by method, route template (unmatched for no route) and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    if (!this.perOrganization) {
      // Known values start at 0, so increase() sees the first one and dashboards show the series.
      for (const outcome of SYNC_OUTCOMES) this.syncRuns.inc({ outcome }, 0);
      for (const result of INGEST_RESULTS) this.messagesIngested.inc({ result }, 0);
      for (const outcome of DELIVERY_OUTCOMES) this.deliveries.inc({ outcome }, 0);
    }
    collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
  }

  /** `labels` with the organization added when series are kept per organization. */
  withOrganization<T extends Record<string, string>>(labels: T, organizationId: string): T {
    return this.perOrganization ? { ...labels, organization: organizationId } : labels;
  }
}
