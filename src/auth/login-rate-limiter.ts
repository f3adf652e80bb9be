import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

interface Window {
  startedAt: number;
  count: number;
}

/**
 * Fixed-window counters of failed logins per client IP and per account. In memory: each instance
 * limits on its own, which still caps guessing at (instances × limit) per window.
 */
@Injectable()
export class LoginRateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly config: AppConfig) {}

  /** Seconds until the caller may try again, or 0 when neither its IP nor the account is locked. */
  retryAfterSeconds(ip: string, email: string, now = Date.now()): number {
    const { maxPerIp, maxPerAccount } = this.config.loginRateLimit;
    return Math.max(this.wait(`ip:${ip}`, maxPerIp, now), this.wait(`account:${email}`, maxPerAccount, now));
  }

  recordFailure(ip: string, email: string, now = Date.now()): void {
    this.bump(`ip:${ip}`, now);
    this.bump(`account:${email}`, now);
  }

  recordSuccess(email: string): void {
    this.windows.delete(`account:${email}`);
  }

  private wait(key: string, max: number, now: number): number {
    const window = this.current(key, now);
    if (!window || window.count < max) return 0;
    return Math.ceil((window.startedAt + this.windowMs() - now) / 1000);
  }

  private bump(key: string, now: number): void {
    const window = this.current(key, now);
    if (window) window.count += 1;
    else this.windows.set(key, { startedAt: now, count: 1 });
    this.evictExpired(now);
  }

  private current(key: string, now: number): Window | undefined {
    const window = this.windows.get(key);
    if (window && now - window.startedAt >= this.windowMs()) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  /** Keeps memory bounded under a spray of distinct IPs or emails. */
  private evictExpired(now: number): void {
    if (this.windows.size < 10_000) return;
    for (const [key, window] of this.windows) {
      if (now - window.startedAt >= this.windowMs()) this.windows.delete(key);
    }
  }

  private windowMs(): number {
    return this.config.loginRateLimit.windowSeconds * 1000;
  }
}
