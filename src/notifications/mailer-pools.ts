import type { MailerPool } from '../mailer/mailer.types';
import type { SmtpConnectionSettings } from '../mailer/smtp-settings';
import type { MailerService } from '../mailer/mailer.service';

interface Entry {
  /** The settings the pool was built from: a change of any of them builds a new pool. */
  key: string;
  pool: Promise<MailerPool>;
  lastUsed: number;
}

/**
 * One pooled SMTP transport per organization, kept between sender rounds so a busy outbox reuses
 * its connections; rebuilt when the settings change, closed when idle, after a connection failure,
 * and at shutdown.
 */
export class MailerPools {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly mailer: MailerService,
    private readonly maxConnections: number,
  ) {}

  get(organizationId: string, settings: SmtpConnectionSettings): Promise<MailerPool> {
    const key = JSON.stringify(settings);
    const entry = this.entries.get(organizationId);
    if (entry?.key === key) {
      entry.lastUsed = Date.now();
      return entry.pool;
    }
    if (entry) this.close(organizationId);
    const pool = this.mailer.createPool(settings, this.maxConnections);
    // A pool that could not be built (e.g. the host is blocked) is not kept.
    pool.catch(() => {
      if (this.entries.get(organizationId)?.pool === pool) this.entries.delete(organizationId);
    });
    this.entries.set(organizationId, { key, pool, lastUsed: Date.now() });
    return pool;
  }

  close(organizationId: string): void {
    const entry = this.entries.get(organizationId);
    if (!entry) return;
    this.entries.delete(organizationId);
    entry.pool.then((pool) => pool.close()).catch(() => undefined);
  }

  closeIdle(idleMs: number): void {
    const cutoff = Date.now() - idleMs;
    for (const [organizationId, entry] of this.entries) {
      if (entry.lastUsed < cutoff) this.close(organizationId);
    }
  }

  closeAll(): void {
    for (const organizationId of [...this.entries.keys()]) this.close(organizationId);
  }
}
