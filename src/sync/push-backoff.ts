/** First wait after a dropped or failed connection. */
const BASE_MS = 1_000;
/** Longest wait between two attempts. */
const CAP_MS = 5 * 60_000;
/** A connection that stayed up this long was healthy: the next drop starts the back-off over. */
const STABLE_MS = 60_000;

/**
 * When to try an IDLE connection again: exponential back-off with jitter (half fixed, half random, so
 * a server that dropped every connection at once does not get them all back at the same instant),
 * capped, and reset once a connection proved stable.
 */
export class ReconnectBackoff {
  private attempts = 0;
  private connectedAt: number | null = null;

  constructor(private readonly random: () => number = Math.random) {}

  /** The connection is up (from `now`, epoch ms). */
  connected(now: number): void {
    this.connectedAt = now;
  }

  /** The wait before the next attempt, after a drop or a failed attempt at `now`. */
  next(now: number): number {
    if (this.connectedAt !== null && now - this.connectedAt >= STABLE_MS) this.attempts = 0;
    this.connectedAt = null;
    const ceiling = Math.min(CAP_MS, BASE_MS * 2 ** this.attempts);
    this.attempts = Math.min(this.attempts + 1, 30);
    return Math.round(ceiling / 2 + this.random() * (ceiling / 2));
  }

  /** Forget past failures (e.g. the settings changed: the next attempt is a new start). */
  reset(): void {
    this.attempts = 0;
    this.connectedAt = null;
  }
}
