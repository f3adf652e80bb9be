import { Injectable, Logger } from '@nestjs/common';
import { GrowingDelayCounter } from '../common/rate-limit/growing-delay-counter';
import { AppConfig } from '../config/app-config';

/** A sign-in attempt that was let through; tell the throttle how it ended. */
export interface LoginAttempt {
  succeeded(): void;
}

/**
 * Throttles sign-ins (and password checks of signed-in users) with three counters:
 * - per (account, client address): the tight one, so an attacker elsewhere cannot lock the user out;
 * - per client address, whatever the account: one address spraying many accounts;
 * - per account from all addresses together: a higher ceiling against distributed guessing.
 * Past each allowance attempts wait growing delays (429 with Retry-After), never a fixed lock.
 *
 * Every attempt counts as a failure *before* the password is checked, in the same synchronous step
 * as the check of the counters, so parallel requests cannot get more guesses than the allowance; a
 * success takes it back. Counters are per instance (N instances allow N times as many).
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger(LoginThrottle.name);
  private readonly counter = new GrowingDelayCounter(() => this.config.loginRateLimit.windowSeconds * 1000);

  constructor(private readonly config: AppConfig) {}

  /** Seconds to wait (nothing counted), or an attempt that has been counted. */
  begin(account: string, ip: string, now = Date.now()): LoginAttempt | { retryAfterSeconds: number } {
    const { maxPerIp, maxPerAccount, accountCeiling } = this.config.loginRateLimit;
    const keys = { pair: `pair:${account}\n${ip}`, ip: `ip:${ip}`, account: `account:${account}` };
    const waitMs = Math.max(
      this.counter.waitMs(keys.pair, maxPerAccount, now),
      this.counter.waitMs(keys.ip, maxPerIp, now),
      this.counter.waitMs(keys.account, accountCeiling, now),
    );
    if (waitMs > 0) {
      const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
      // Every refusal is on record (the audit log takes these over once it exists); no address or account named.
      this.logger.warn(`Sign-in throttled for ${retryAfterSeconds} s`);
      return { retryAfterSeconds };
    }
    for (const key of Object.values(keys)) this.counter.record(key, now);
    return {
      succeeded: () => {
        this.counter.reset(keys.pair);
        this.counter.reset(keys.account);
        this.counter.refund(keys.ip);
      },
    };
  }
}
