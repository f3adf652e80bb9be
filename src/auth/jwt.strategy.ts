import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { createSecretKey, type KeyObject } from 'node:crypto';
import { ExtractJwt, type SecretOrKeyProvider, Strategy } from 'passport-jwt';
import type { AuthUser } from '../common/auth/auth-user';
import { OrganizationsService } from '../organizations/organizations.service';
import { UsersService } from '../users/users.service';
import { JWT_SECRET } from './jwt-secret';

export interface TokenPayload {
  sub: string;
  /** The user's session version when the token was issued; tokens from before a password change do not match. */
  ver?: number;
  exp?: number;
}

/**
 * Hands jsonwebtoken the secret as a KeyObject, made once. Given a string or a Buffer it first tries
 * (and fails) to parse it as a PEM public key on every request, which was a fifth of the CPU time of
 * a ticket list request. passport-jwt passes the key through untouched, but its types only admit
 * string | Buffer, hence the cast.
 */
function keyProvider(secret: string): SecretOrKeyProvider {
  const key: KeyObject = createSecretKey(Buffer.from(secret, 'utf8'));
  const provide = (_request: unknown, _token: unknown, done: (error: null, key: KeyObject) => void) => done(null, key);
  return provide as unknown as SecretOrKeyProvider;
}

/**
 * Checks the bearer token, then looks the user up (at most a second old, see CallerCache) so that
 * disabling a user or their organization, changing their role or their password takes effect at once
 * on this instance, within a second on others, rather than when the token expires.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(JWT_SECRET) secret: string,
    private readonly users: UsersService,
    private readonly organizations: OrganizationsService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: keyProvider(secret),
      algorithms: ['HS256'],
    });
  }

  async validate(payload: TokenPayload): Promise<AuthUser | null> {
    // jsonwebtoken checks `exp` only when present: a token without one would never expire.
    if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') return null;
    const user = await this.users.findCaller(payload.sub);
    // Tokens issued before session versions existed carry none: version 0, which a password change ends.
    if (!user || user.disabled || (payload.ver ?? 0) !== user.sessionVersion) return null;
    if (!(await this.organizations.isActive(user.organizationId))) return null;
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      organizationId: user.organizationId,
      mustChangePassword: user.mustChangePassword,
    };
  }
}
