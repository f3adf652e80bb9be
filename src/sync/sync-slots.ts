import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

/** A place among the runs allowed at once; give it back when the run ends. */
export type ReleaseSlot = () => void;

interface Waiter {
  dueAt: number;
  grant: (release: ReleaseSlot | null) => void;
}

/**
 * At most `SYNC_CONCURRENCY` runs of this instance at once, so that runs cannot take every database
 * connection from the API. A run beyond it waits here, holding nothing (no connection, no lease, no
 * mail session), and runs in order of the time it was due (then of arrival).
 */
@Injectable()
export class SyncSlots {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly config: AppConfig) {}

  /** A slot, or null if `signal` aborts the wait first (a stop, a shutdown). */
  take(dueAt: Date, signal: AbortSignal): Promise<ReleaseSlot | null> {
    if (signal.aborted) return Promise.resolve(null);
    if (this.running < this.config.sync.concurrency && this.waiting.length === 0) {
      this.running += 1;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve) => {
      const waiter: Waiter = { dueAt: dueAt.getTime(), grant: resolve };
      // After every waiter due at the same time or earlier: ties keep their order of arrival.
      const at = this.waiting.findIndex((other) => other.dueAt > waiter.dueAt);
      this.waiting.splice(at === -1 ? this.waiting.length : at, 0, waiter);
      signal.addEventListener(
        'abort',
        () => {
          const index = this.waiting.indexOf(waiter);
          if (index === -1) return;
          this.waiting.splice(index, 1);
          resolve(null);
        },
        { once: true },
      );
    });
  }

  /** Slots no run holds or waits for right now: how many more runs this instance can start at once. */
  get free(): number {
    return Math.max(0, this.config.sync.concurrency - this.running - this.waiting.length);
  }

  /** Runs waiting for a slot right now. */
  get queued(): number {
    return this.waiting.length;
  }

  private releaser(): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next.grant(this.releaser());
      else this.running -= 1;
    };
  }
}
