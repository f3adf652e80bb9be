import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { AppConfig } from '../config/app-config';
import { LeaseKey, LeasesRepository } from './leases.repository';

export interface LeaseOptions {
  /** How long the lease lasts without a heartbeat: how long a crashed holder blocks the work. */
  ttlMs?: number;
  /** How often the holder renews it; well under the ttl, so one late or failed renewal is not fatal. */
  heartbeatMs?: number;
}

/** A lease this instance holds, renewed in the background until it is released or lost. */
export interface HeldLease {
  /** Who holds it, as stored in the row (this instance and this acquisition). */
  readonly holder: string;
  /** True once a renewal found the lease taken over, or none succeeded before it expired. */
  readonly lost: boolean;
  /** Called once if the lease is lost: the work it guards must stop, another instance may start it. */
  onLost(listener: () => void): void;
  release(): Promise<void>;
}

const DEFAULT_TTL_MS = 60_000;

/**
 * Per-organization exclusion across instances without pinning a database connection: a row in
 * `leases` with an expiry, taken only when free or expired, renewed by a heartbeat and deleted on
 * release. A crashed holder's lease simply expires. Each statement is a short transaction, so the
 * connection goes back to the pool at once and a transaction-mode pooler works. Used by sync runs;
 * any other per-organization worker (e.g. an IMAP IDLE watcher) takes one with its own `purpose`.
 */
@Injectable()
export class LeaseService implements OnApplicationBootstrap {
  private readonly logger = new Logger(LeaseService.name);
  /** This instance: one per application, so two apps in one process are two holders. */
  readonly instanceId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly leases: LeasesRepository,
    private readonly config: AppConfig,
  ) {}

  /**
   * SQLite is one process's file: a lease left in it belongs to an earlier run of this process that
   * died without releasing it, and need not block a restart until it expires.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (this.config.databaseUrl === null) await this.leases.clear();
  }

  /** The lease, or null while another holder's is live. */
  async tryAcquire(organizationId: string, purpose: string, options: LeaseOptions = {}): Promise<HeldLease | null> {
    const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    const heartbeatMs = options.heartbeatMs ?? Math.floor(ttlMs / 3);
    const key: LeaseKey = { organizationId, purpose };
    // Each acquisition is a holder of its own, so a late renewal or release of an earlier one never
    // touches a later one.
    const holder = `${this.instanceId}/${randomUUID().slice(0, 8)}`;
    const now = Date.now();
    if (!(await this.leases.take(key, holder, now, now + ttlMs))) return null;
    return this.hold(key, holder, now + ttlMs, ttlMs, heartbeatMs);
  }

  /** How many live leases of `purpose` each instance holds (instances with none are absent). */
  countByInstance(purpose: string): Promise<Map<string, number>> {
    return this.leases.countByInstance(purpose, Date.now());
  }

  private hold(key: LeaseKey, holder: string, firstExpiry: number, ttlMs: number, heartbeatMs: number): HeldLease {
    let expiresAt = firstExpiry;
    let lost = false;
    let released = false;
    const listeners: (() => void)[] = [];
    const markLost = (why: string) => {
      if (lost || released) return;
      lost = true;
      clearInterval(timer);
      this.logger.warn(`Lease ${key.purpose} of ${key.organizationId} lost: ${why}`);
      for (const listener of listeners.splice(0)) listener();
    };
    const heartbeat = async () => {
      const next = Date.now() + ttlMs;
      try {
        if (await this.leases.renew(key, holder, next)) expiresAt = next;
        else markLost('another holder took it over');
      } catch (error) {
        // A database hiccup: the lease still stands until it expires; the next beat tries again.
        if (Date.now() >= expiresAt) markLost(`not renewed before it expired (${(error as Error).message})`);
      }
    };
    const timer = setInterval(() => void heartbeat(), heartbeatMs);
    timer.unref();
    return {
      holder,
      get lost() {
        return lost;
      },
      onLost: (listener) => {
        if (lost) listener();
        else listeners.push(listener);
      },
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(timer);
        await this.leases.release(key, holder);
      },
    };
  }
}
