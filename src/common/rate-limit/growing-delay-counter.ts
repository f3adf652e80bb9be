interface Entry {
  failures: number;
  lastAt: number;
}

/** Past this many keys, quiet ones are swept, so a spray of distinct keys cannot grow memory forever. */
const SWEEP_ABOVE_KEYS = 10_000;

/**
 * Failures by key, in memory, with a delay instead of a lock: up to `allowance` failures go freely;
 * after that each attempt must wait a delay after the previous one that doubles with every further
 * failure, from `windowMs / 64` (at least a second) up to `windowMs`. A key is forgotten after two
 * quiet windows: longer than the longest delay, so one who keeps guessing at the cap stays at the cap. Everything is synchronous, so a check followed by `record` in the same tick cannot be
 * overtaken by a parallel request: the caller counts an attempt before it awaits anything.
 */
export class GrowingDelayCounter {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly windowMs: () => number) {}

  /** Milliseconds until `key` may try again, or 0 when it may now. */
  waitMs(key: string, allowance: number, now = Date.now()): number {
    const entry = this.current(key, now);
    if (!entry || entry.failures < allowance) return 0;
    return Math.max(0, entry.lastAt + this.delayMs(entry.failures - allowance) - now);
  }

  record(key: string, now = Date.now()): void {
    const entry = this.current(key, now);
    if (entry) {
      entry.failures += 1;
      entry.lastAt = now;
    } else {
      this.sweep(now);
      this.entries.set(key, { failures: 1, lastAt: now });
    }
  }

  /** Takes back one recorded attempt (it turned out not to be a failure). */
  refund(key: string): void {
    const entry = this.entries.get(key);
    if (entry && entry.failures > 0) entry.failures -= 1;
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  /** The delay after the `beyond`-th failure past the allowance (0 = the first one over). */
  private delayMs(beyond: number): number {
    const window = this.windowMs();
    const base = Math.max(1000, Math.floor(window / 64));
    return Math.min(window, base * 2 ** Math.min(beyond, 30));
  }

  private current(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && now - entry.lastAt >= 2 * this.windowMs()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweep(now: number): void {
    if (this.entries.size < SWEEP_ABOVE_KEYS) return;
    for (const [key, entry] of this.entries) if (now - entry.lastAt >= 2 * this.windowMs()) this.entries.delete(key);
  }
}
