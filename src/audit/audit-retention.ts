import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AuditEventsRepository } from './audit-events.repository';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Keeps the audit log for AUDIT_RETENTION_DAYS: prunes older rows at start and hourly. Every instance
 * may prune; two at once delete the same old rows, which is harmless.
 */
@Injectable()
export class AuditRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditRetention.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly events: AuditEventsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.prune();
    this.timer = setInterval(() => void this.prune(), HOUR_MS);
    this.timer.unref();
  }

  /** Never throws: a failed prune is logged and tried again at the next hour. */
  async prune(now = Date.now()): Promise<void> {
    try {
      const deleted = await this.events.prune(new Date(now - this.config.audit.retentionDays * DAY_MS));
      if (deleted > 0) this.logger.log({ deleted }, 'Pruned audit log rows past retention');
    } catch (error) {
      this.logger.error({ error: error instanceof Error ? error.message : 'unknown error' }, 'Audit log prune failed');
    }
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
