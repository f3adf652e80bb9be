import { createHash, randomBytes } from 'node:crypto';

/**
 * What the test authorization server remembers: authorization codes, grants (one per consent, holding the
 * current refresh token) and access tokens. Pure bookkeeping, no HTTP; oauth-server.ts speaks the protocol.
 */

export interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scope: string;
  nonce: string | undefined;
  account: string;
  expiresAt: number;
}

export interface AccessTokenRecord {
  clientId: string;
  account: string;
  scope: string;
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
  /** Undefined for client credentials, which have no grant to revoke. */
  grantId: number | undefined;
}

interface Grant {
  id: number;
  clientId: string;
  account: string;
  scope: string;
  /** The one refresh token that works; every earlier one answers invalid_grant. */
  refreshToken: string;
  revoked: boolean;
}

export type RefreshOutcome =
  | { ok: true; grant: { id: number; account: string; scope: string; refreshToken: string } }
  | { ok: false; reason: 'unknown' | 'reused' | 'revoked' | 'client-mismatch' };

/** Codes live as long as a user would take between consent and callback. */
const CODE_TTL_MS = 10 * 60_000;

export function randomToken(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}

/** RFC 7636 S256: BASE64URL(SHA256(code_verifier)). */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export class GrantStore {
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  private readonly grants = new Map<number, Grant>();
  /** Every refresh token ever issued → its grant, so a spent one can be told from an unknown one. */
  private readonly refreshTokens = new Map<string, number>();
  private nextGrantId = 1;

  issueCode(code: Omit<AuthorizationCode, 'expiresAt'>): string {
    const value = randomToken('code');
    this.codes.set(value, { ...code, expiresAt: Date.now() + CODE_TTL_MS });
    return value;
  }

  /** Single use: a code is gone after the first attempt, whether that attempt succeeded or not. */
  takeCode(value: string): AuthorizationCode | undefined {
    const code = this.codes.get(value);
    this.codes.delete(value);
    return code && code.expiresAt > Date.now() ? code : undefined;
  }

  createGrant(clientId: string, account: string, scope: string): { id: number; refreshToken: string } {
    const id = this.nextGrantId++;
    const refreshToken = randomToken('rt');
    this.grants.set(id, { id, clientId, account, scope, refreshToken, revoked: false });
    this.refreshTokens.set(refreshToken, id);
    return { id, refreshToken };
  }

  /** Spends a refresh token: on success the grant carries a new one and the given one is dead. */
  rotate(refreshToken: string, clientId: string): RefreshOutcome {
    const grantId = this.refreshTokens.get(refreshToken);
    const grant = grantId === undefined ? undefined : this.grants.get(grantId);
    if (!grant) return { ok: false, reason: 'unknown' };
    if (grant.clientId !== clientId) return { ok: false, reason: 'client-mismatch' };
    if (grant.revoked) return { ok: false, reason: 'revoked' };
    if (grant.refreshToken !== refreshToken) return { ok: false, reason: 'reused' };
    grant.refreshToken = randomToken('rt');
    this.refreshTokens.set(grant.refreshToken, grant.id);
    return {
      ok: true,
      grant: { id: grant.id, account: grant.account, scope: grant.scope, refreshToken: grant.refreshToken },
    };
  }

  issueAccessToken(record: Omit<AccessTokenRecord, 'issuedAt' | 'revoked'>): string {
    const value = randomToken('at');
    this.accessTokens.set(value, { ...record, issuedAt: Date.now(), revoked: false });
    return value;
  }

  /** The token's record while it is usable: known, not expired, not revoked. */
  activeAccessToken(value: string): AccessTokenRecord | undefined {
    const record = this.accessTokens.get(value);
    return record && !record.revoked && record.expiresAt > Date.now() ? record : undefined;
  }

  expireAccessTokens(): void {
    const now = Date.now();
    for (const record of this.accessTokens.values()) record.expiresAt = Math.min(record.expiresAt, now);
  }

  /** Revokes the grants (of one account, or all) and every access token issued under them. */
  revokeGrants(account?: string): number {
    let revoked = 0;
    for (const grant of this.grants.values()) {
      if (grant.revoked || (account !== undefined && grant.account !== account)) continue;
      grant.revoked = true;
      revoked++;
    }
    for (const record of this.accessTokens.values()) {
      if (account === undefined || record.account === account) record.revoked = true;
    }
    return revoked;
  }

  /**
   * RFC 7009 for a token of either kind. Revoking a refresh token ends its grant with every access token
   * issued under it (the RFC's SHOULD); revoking an access token ends that token only.
   */
  revokeToken(value: string, clientId: string): void {
    const access = this.accessTokens.get(value);
    if (access && access.clientId === clientId) access.revoked = true;
    const grantId = this.refreshTokens.get(value);
    const grant = grantId === undefined ? undefined : this.grants.get(grantId);
    if (!grant || grant.clientId !== clientId) return;
    grant.revoked = true;
    for (const record of this.accessTokens.values()) if (record.grantId === grant.id) record.revoked = true;
  }
}
