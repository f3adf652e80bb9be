import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AuditLog } from '../audit/audit-log.service';
import { AppConfig } from '../config/app-config';
import { TooManyRequestsError, UnauthorizedError } from '../common/errors/domain-error';
import { PasswordHasher } from '../users/password-hasher';
import { UsersService } from '../users/users.service';
import type { LoginResponse } from './dto/login.response';
import { LoginRateLimiter } from './login-rate-limiter';

@Injectable()
export class AuthService {
  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly jwt: JwtService,
    private readonly limiter: LoginRateLimiter,
    private readonly audit: AuditLog,
  ) {}

  /** Unknown email, wrong password and disabled user all get the same answer, in the same time. */
  async login(email: string, password: string, ip: string): Promise<LoginResponse> {
    const account = email.toLowerCase();
    const retryAfter = this.limiter.retryAfterSeconds(ip, account);
    if (retryAfter > 0) {
      throw new TooManyRequestsError(`Too many login attempts; try again in ${retryAfter} seconds`, retryAfter);
    }
    const user = await this.users.findByEmail(account);
    if (!user) await this.hasher.burnTime(password);
    const valid = user ? await this.hasher.verify(password, user.passwordHash) : false;
    if (!user || !valid || user.disabled) {
      this.limiter.recordFailure(ip, account);
      await this.recordSignIn('auth.sign-in.failed', account, user, ip);
      throw new UnauthorizedError('Wrong email or password');
    }
    this.limiter.recordSuccess(account);
    await this.recordSignIn('auth.sign-in.succeeded', account, user, ip);
    const expiresIn = this.config.jwtExpiresInSeconds;
    const accessToken = await this.jwt.signAsync({ sub: user.id }, { expiresIn });
    return { accessToken, tokenType: 'Bearer', expiresIn };
  }

  /**
   * The audit row of a sign-in: the attempted address, never the password. An attempt for a known
   * address belongs to that user's organization (its admins see attempts on their accounts); one for
   * an unknown address to no organization. Attempts refused by the rate limiter are not recorded: they
   * are cheap for a caller to repeat, and the failures that tripped the limiter already are.
   */
  private recordSignIn(
    action: 'auth.sign-in.succeeded' | 'auth.sign-in.failed',
    account: string,
    user: { id: string; organizationId: string | null } | null,
    ip: string,
  ): Promise<void> {
    const succeeded = action === 'auth.sign-in.succeeded';
    return this.audit.record({
      organizationId: user?.organizationId ?? null,
      action,
      // Whoever failed is not known to be the account's owner: only the address they tried is the actor.
      actor: { userId: succeeded && user ? user.id : null, email: account },
      target: user ? { type: 'user', id: user.id } : null,
      changes: null,
      clientAddress: ip,
      outcome: succeeded ? 'succeeded' : 'failed',
    });
  }
}
