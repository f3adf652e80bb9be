interface Window {
  startedAt: number;
  count: number;
}

/** Past this many keys, expired windows are swept, so a spray of distinct keys cannot grow memory forever. */
const SWEEP_ABOVE_KEYS = 10_000;

/**
 * Fixed-window counters by key, in memory: each instance counts on its own, which still caps a caller at
 * (instances × limit) per window. Framework-free so the login limiter and the per-organization limits share it.
 */
export class FixedWindowCounter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly windowMs: () => number) {}

  /** Seconds until `key` may act again after `max` hits in its window, or 0 when it may now. */
  retryAfterSeconds(key: string, max: number, now = Date.now()): number {
    const window = this.current(key, now);
    if (!window || window.count < max) return 0;
    return Math.max(1, Math.ceil((window.startedAt + this.windowMs() - now) / 1000));
  }

  hit(key: string, now = Date.now()): void {
    const window = this.current(key, now);
    if (window) window.count += 1;
    else this.windows.set(key, { startedAt: now, count: 1 });
    this.sweep(now);
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private current(key: string, now: number): Window | undefined {
    const window = this.windows.get(key);
    if (window && now - window.startedAt >= this.windowMs()) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  private sweep(now: number): void {
    if (this.windows.size < SWEEP_ABOVE_KEYS) return;
    for (const [key, window] of this.windows) {
      if (now - window.startedAt >= this.windowMs()) this.windows.delete(key);
    }
  }
}
