import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { OutboxHealth, type OutboxStats } from '../notifications/outbox-health';
import { OrganizationsService } from '../organizations/organizations.service';
import { AlertNotices, REMINDER_INTERVAL_MS } from './alert-notices';
import { AlertsService } from './alerts.service';
import { IncidentsRepository } from './incidents.repository';

const HOUR_MS = 3600 * 1000;
/** Incidents whose notice may be due, handled per check. */
const NOTICES_PER_CHECK = 100;

/**
 * The periodic check (every ALERT_CHECK_INTERVAL_SECONDS, on every instance: opening and notices are
 * claimed in the database, so instances do not double up): the notifications outbox's health per
 * organization, and alert mail that is due (daily reminders, and notices whose first send failed).
 */
@Injectable()
export class AlertChecks implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AlertChecks.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly outbox: OutboxHealth,
    private readonly organizations: OrganizationsService,
    private readonly alerts: AlertsService,
    private readonly incidents: IncidentsRepository,
    private readonly notices: AlertNotices,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.alerts.checkIntervalSeconds * 1000);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One check; a check still under way when the next is due is not doubled. */
  tick(): Promise<void> {
    this.running ??= this.check()
      .catch((error: unknown) => this.logger.error({ err: error }, 'The alert check failed'))
      .finally(() => (this.running = null));
    return this.running;
  }

  private async check(): Promise<void> {
    await this.checkOutbox();
    await this.sendDueNotices();
  }

  /**
   * Platform-wide first: when the whole outbox is healthy, so is every organization's, and only open
   * incidents need clearing. Otherwise each organization is looked at.
   */
  private async checkOutbox(): Promise<void> {
    const failedSince = new Date(Date.now() - HOUR_MS);
    const failing = await this.organizationsWithOpenOutboxIncident();
    if (this.problemOf(await this.outbox.stats(null, failedSince)) === null) {
      for (const organizationId of failing) await this.alerts.clear(organizationId, 'notifications-failing');
      return;
    }
    for (const organization of await this.organizations.list()) {
      if (this.timer === null) return;
      const problem = this.problemOf(await this.outbox.stats(organization.id, failedSince));
      if (problem !== null) await this.alerts.raise(organization.id, 'notifications-failing', problem);
      else if (failing.has(organization.id)) await this.alerts.clear(organization.id, 'notifications-failing');
    }
  }

  private async organizationsWithOpenOutboxIncident(): Promise<Set<string>> {
    return new Set(await this.incidents.organizationsWithOpen('notifications-failing'));
  }

  /** What is wrong with the outbox, in words; null when it is healthy. */
  private problemOf(stats: OutboxStats): string | null {
    const { outboxMaxAgeSeconds, outboxFailures } = this.config.alerts;
    const ageSeconds = stats.oldestQueuedAt ? (Date.now() - stats.oldestQueuedAt.getTime()) / 1000 : 0;
    if (ageSeconds > outboxMaxAgeSeconds) {
      const age = ageSeconds < 120 ? `${Math.floor(ageSeconds)} seconds` : `${Math.floor(ageSeconds / 60)} minutes`;
      return `${stats.queued} notification(s) waiting; the oldest has waited ${age}`;
    }
    if (stats.failedSince >= outboxFailures) return `${stats.failedSince} notification(s) failed in the last hour`;
    return null;
  }

  private async sendDueNotices(): Promise<void> {
    const remindBefore = new Date(Date.now() - REMINDER_INTERVAL_MS);
    for (const incident of await this.incidents.findWithNoticeDue(remindBefore, NOTICES_PER_CHECK)) {
      if (this.timer === null) return;
      const notice = AlertNotices.dueNotice(incident);
      if (notice) await this.notices.send(incident, notice);
    }
  }
}
