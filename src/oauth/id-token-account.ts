import { OAuthFailure } from './oauth-failure';
import type { OAuthClientSettings } from './oauth-providers';

/** A tolerance for the clocks of two machines. */
const CLOCK_SKEW_SECONDS = 60;

interface IdTokenClaims {
  iss?: unknown;
  aud?: unknown;
  exp?: unknown;
  email?: unknown;
  preferred_username?: unknown;
  upn?: unknown;
}

function claimsOf(idToken: string): IdTokenClaims {
  const parts = idToken.split('.');
  if (parts.length !== 3) throw new OAuthFailure('protocol', 'The ID token is not a JWT');
  try {
    return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as IdTokenClaims;
  } catch {
    throw new OAuthFailure('protocol', 'The ID token cannot be read');
  }
}

const isAddress = (value: unknown): value is string => typeof value === 'string' && /^[^\s@]+@[^\s@]+$/.test(value);

/**
 * The signed-in account's address from an ID token the token endpoint sent us directly, over a
 * connection the outbound policy checked (OpenID Connect Core 3.1.3.7: TLS to the token endpoint may
 * stand in for the signature). Its audience must be our client, it must not have expired, and its
 * issuer must be the provider's (Microsoft's names the user's tenant, so that is a pattern). The address is
 * `email`, else Microsoft's `preferred_username` / `upn` when they are addresses; null when none is.
 */
export function accountFromIdToken(idToken: string, settings: OAuthClientSettings): string | null {
  const claims = claimsOf(idToken);
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(settings.clientId)) throw new OAuthFailure('protocol', 'The ID token is for another client');
  if (typeof claims.exp !== 'number' || claims.exp + CLOCK_SKEW_SECONDS < Date.now() / 1000) {
    throw new OAuthFailure('protocol', 'The ID token has expired');
  }
  if (settings.acceptsIssuer !== null && (typeof claims.iss !== 'string' || !settings.acceptsIssuer(claims.iss))) {
    throw new OAuthFailure('protocol', 'The ID token comes from another issuer');
  }
  const address = [claims.email, claims.preferred_username, claims.upn].find(isAddress);
  return address === undefined ? null : address.toLowerCase();
}
