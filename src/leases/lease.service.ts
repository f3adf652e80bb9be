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

/** One held lease, as its heartbeat sees it. */
interface Renewal {
  expiresAt: number;
  markLost(why: string): void;
}

/** The leases renewed together, by holder. */
interface Heartbeat {
  held: Map<string, Renewal>;
  busy: boolean;
}

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
  /** Heartbeats by ttl and rhythm; a timer idles (no statement) while its leases are all given back. */
  private readonly beats = new Map<string, Heartbeat>();

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
    let lost = false;
    let released = false;
    const listeners: (() => void)[] = [];
    const beat = this.beatFor(ttlMs, heartbeatMs);
    const renewal: Renewal = {
      expiresAt: firstExpiry,
      markLost: (why) => {
        if (lost || released) return;
        lost = true;
        beat.held.delete(holder);
        this.logger.warn(`Lease ${key.purpose} of ${key.organizationId} lost: ${why}`);
        for (const listener of listeners.splice(0)) listener();
      },
    };
    beat.held.set(holder, renewal);
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
        beat.held.delete(holder);
        await this.leases.release(key, holder);
      },
    };
  }

  /**
   * The heartbeat shared by every lease of one ttl and rhythm: one timer and one renewal statement for
   * all of them (see LeasesRepository.renewAll), however many mailboxes this instance holds.
   */
  private beatFor(ttlMs: number, heartbeatMs: number): Heartbeat {
    const name = `${ttlMs}/${heartbeatMs}`;
    const existing = this.beats.get(name);
    if (existing) return existing;
    const beat: Heartbeat = { held: new Map(), busy: false };
    const timer = setInterval(() => void this.renew(beat, ttlMs), heartbeatMs);
    timer.unref();
    this.beats.set(name, beat);
    return beat;
  }

  private async renew(beat: Heartbeat, ttlMs: number): Promise<void> {
    // A renewal slower than the rhythm is not doubled up; the next beat carries on.
    if (beat.busy || beat.held.size === 0) return;
    beat.busy = true;
    const next = Date.now() + ttlMs;
    const holders = [...beat.held.keys()];
    try {
      const renewed = await this.leases.renewAll(holders, next);
      for (const holder of holders) {
        const renewal = beat.held.get(holder);
        // Released meanwhile: its row is gone on purpose.
        if (!renewal) continue;
        if (renewed.has(holder)) renewal.expiresAt = next;
        else renewal.markLost('another holder took it over');
      }
    } catch (error) {
      // A database hiccup: each lease still stands until it expires; the next beat tries again.
      for (const renewal of [...beat.held.values()]) {
        if (Date.now() >= renewal.expiresAt) {
          renewal.markLost(`not renewed before it expired (${(error as Error).message})`);
        }
      }
    } finally {
      beat.busy = false;
    }
  }
}
