import { Injectable } from '@nestjs/common';
import { FixedWindowCounter } from '../common/rate-limit/fixed-window-counter';
import { AppConfig } from '../config/app-config';

/** Fixed-window counters of failed logins per client IP and per account (see FixedWindowCounter). */
@Injectable()
export class LoginRateLimiter {
  private readonly counter = new FixedWindowCounter(() => this.config.loginRateLimit.windowSeconds * 1000);

  constructor(private readonly config: AppConfig) {}

  /** Seconds until the caller may try again, or 0 when neither its IP nor the account is locked. */
  retryAfterSeconds(ip: string, email: string, now = Date.now()): number {
    const { maxPerIp, maxPerAccount } = this.config.loginRateLimit;
    return Math.max(
      this.counter.retryAfterSeconds(`ip:${ip}`, maxPerIp, now),
      this.counter.retryAfterSeconds(`account:${email}`, maxPerAccount, now),
    );
  }

  recordFailure(ip: string, email: string, now = Date.now()): void {
    this.counter.hit(`ip:${ip}`, now);
    this.counter.hit(`account:${email}`, now);
  }

  recordSuccess(email: string): void {
    this.counter.reset(`account:${email}`);
  }
}
