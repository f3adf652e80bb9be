import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AuditLog } from '../audit/audit-log';
import { DomainError, TooManyRequestsError, UnauthorizedError } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { OrganizationsService } from '../organizations/organizations.service';
import { PasswordHasher } from '../users/password-hasher';
import { PasswordsService } from '../users/passwords.service';
import { UsersService } from '../users/users.service';
import type { LoginResponse } from './dto/login.response';
import { LoginAttempt, LoginThrottle } from './login-throttle';
import type { TokenPayload } from './jwt.strategy';

@Injectable()
export class AuthService {
  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly passwords: PasswordsService,
    private readonly organizations: OrganizationsService,
    private readonly hasher: PasswordHasher,
    private readonly jwt: JwtService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditLog,
  ) {}

  /** Unknown email, wrong password and disabled user all get the same answer, in the same time. */
  async login(email: string, password: string, ip: string): Promise<LoginResponse> {
    const account = email.toLowerCase();
    // Counted before the first await: parallel guesses cannot slip past the allowance.
    const attempt = this.begin(account, ip);
    const user = await this.users.findByEmail(account);
    if (!user) await this.hasher.burnTime(password);
    const valid = user ? await this.hasher.verify(password, user.passwordHash) : false;
    if (!user || !valid || user.disabled) {
      await this.recordSignIn('auth.sign-in.failed', account, user, ip);
      throw new UnauthorizedError('Wrong email or password');
    }
    attempt.succeeded();
    // Said only to someone who knows the password: the account is fine, its organization is not.
    if (!(await this.organizations.isActive(user.organizationId))) {
      await this.recordSignIn('auth.sign-in.failed', account, user, ip);
      throw new DomainError(
        'forbidden',
        'ORGANIZATION_DISABLED',
        'Your organization is disabled; ask the platform admin',
      );
    }
    await this.recordSignIn('auth.sign-in.succeeded', account, user, ip);
    return this.issue(user.id, user.sessionVersion, user.mustChangePassword);
  }

  /**
   * Changes the caller's password (throttled like a sign-in: a stolen token must not become a way to
   * guess the password). Every other token of the user stops working; the caller gets a fresh one.
   */
  async changePassword(
    user: { id: string; email: string },
    currentPassword: string,
    newPassword: string,
    ip: string,
  ): Promise<LoginResponse> {
    const attempt = this.begin(user.email, ip);
    let version: number;
    try {
      version = await this.passwords.change(user.id, currentPassword, newPassword);
    } catch (error) {
      // Only a wrong current password is a failed guess; a refused new one is not.
      if (!(error instanceof DomainError && error.code === 'CURRENT_PASSWORD_WRONG')) attempt.succeeded();
      throw error;
    }
    attempt.succeeded();
    return this.issue(user.id, version, false);
  }

  private begin(account: string, ip: string): LoginAttempt {
    const attempt = this.throttle.begin(account, ip);
    if ('retryAfterSeconds' in attempt) {
      const { retryAfterSeconds } = attempt;
      // Recorded without waiting: the refusal must not cost more than the attempt it refuses.
      void this.recordSignIn('auth.sign-in.throttled', account, null, ip);
      throw new TooManyRequestsError(`Too many attempts; try again in ${retryAfterSeconds} seconds`, retryAfterSeconds);
    }
    return attempt;
  }

  private async issue(userId: string, version: number, mustChangePassword: boolean): Promise<LoginResponse> {
    const expiresIn = this.config.jwtExpiresInSeconds;
    const payload: TokenPayload = { sub: userId, ver: version };
    const accessToken = await this.jwt.signAsync(payload, { expiresIn });
    return { accessToken, tokenType: 'Bearer', expiresIn, mustChangePassword };
  }

  /**
   * The audit row of a sign-in: the attempted address, never the password. An attempt for a known
   * address belongs to that user's organization (its admins see attempts on their accounts); one for
   * an unknown address to no organization. Attempts refused by the rate limiter are not recorded: they
   * are cheap for a caller to repeat, and the failures that tripped the limiter already are.
   */
  private recordSignIn(
    action: 'auth.sign-in.succeeded' | 'auth.sign-in.failed' | 'auth.sign-in.throttled',
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
