import { setTimeout as sleep } from 'node:timers/promises';

/**
 * At most `perSecond` logins per second on this instance, evenly spaced: at start-up or after a mass
 * disconnect, a thousand IDLE connections come back as a steady trickle instead of a stampede on the
 * mail servers (and on this process).
 */
export class AdmissionGate {
  private nextSlotAt = 0;

  constructor(private readonly perSecond: number) {}

  /** Resolves true when the caller may log in, or false if `signal` aborted the wait. */
  async admit(signal?: AbortSignal): Promise<boolean> {
    const now = Date.now();
    const slot = Math.max(now, this.nextSlotAt);
    this.nextSlotAt = slot + 1000 / this.perSecond;
    if (slot <= now) return !signal?.aborted;
    return sleep(slot - now, true, { signal }).catch(() => false);
  }
}
