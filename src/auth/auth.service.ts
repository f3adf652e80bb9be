import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
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
      throw new UnauthorizedError('Wrong email or password');
    }
    this.limiter.recordSuccess(account);
    const expiresIn = this.config.jwtExpiresInSeconds;
    const accessToken = await this.jwt.signAsync({ sub: user.id }, { expiresIn });
    return { accessToken, tokenType: 'Bearer', expiresIn };
  }
}
