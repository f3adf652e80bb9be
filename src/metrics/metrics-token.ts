import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether an Authorization header carries the bearer token, compared in constant time: both sides are
 * hashed first, so neither the token's content nor its length shows in the time the check takes.
 */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  const offered = createHash('sha256')
    .update(match?.[1] ?? '')
    .digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(offered, expected) && match !== null;
}
