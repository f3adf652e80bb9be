import type { Caller } from './users.repository';

/** How long a caller read from the database is trusted; also how late another instance notices a change. */
export const CALLER_CACHE_MS = 1_000;
/** Past this many entries, expired ones are dropped before adding another. */
const SWEEP_AT = 10_000;

/**
 * The callers of recent requests, for one second: the database was asked for the same user's row on
 * every request, a third of a ticket list request's database round trips. A change made through this
 * instance (role, disabled) evicts the entry at once; another instance sees it within CALLER_CACHE_MS.
 * Concurrent requests of one user share one read; a failed read is not kept.
 */
export class CallerCache {
  private readonly entries = new Map<string, { caller: Promise<Caller | null>; until: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  get(id: string, load: (id: string) => Promise<Caller | null>): Promise<Caller | null> {
    const now = this.now();
    const entry = this.entries.get(id);
    if (entry && entry.until > now) return entry.caller;
    if (this.entries.size >= SWEEP_AT) this.sweep(now);
    const caller = load(id);
    this.entries.set(id, { caller, until: now + CALLER_CACHE_MS });
    caller.catch(() => {
      if (this.entries.get(id)?.caller === caller) this.entries.delete(id);
    });
    return caller;
  }

  evict(id: string): void {
    this.entries.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }

  private sweep(now: number): void {
    for (const [id, entry] of this.entries) if (entry.until <= now) this.entries.delete(id);
  }
}
