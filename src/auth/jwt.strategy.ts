import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { AuthUser } from '../common/auth/auth-user';
import { UsersService } from '../users/users.service';
import { JWT_SECRET } from './jwt-secret';

interface TokenPayload {
  sub: string;
}

/**
 * Checks the bearer token, then re-reads the user on every request so that disabling a user or
 * changing their role takes effect at once, not when the token expires.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(JWT_SECRET) secret: string,
    private readonly users: UsersService,
  ) {
    super({ jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: secret, algorithms: ['HS256'] });
  }

  async validate(payload: TokenPayload): Promise<AuthUser | null> {
    const user = typeof payload.sub === 'string' ? await this.users.findById(payload.sub) : null;
    if (!user || user.disabled) return null;
    return { id: user.id, email: user.email, name: user.name, role: user.role, organizationId: user.organizationId };
  }
}
