import { SignJWT, type CryptoKey } from 'jose';
import { GrantStore, s256 } from './oauth-grants';
import { OAuthError, required } from './oauth-http';
import type { OAuthClientRegistration } from './oauth-server';

/** The token endpoint's three grants, once the client is authenticated; answers are RFC 6749 JSON bodies. */

export interface TokenGrantSettings {
  issuer: string;
  accessTokenTtlSeconds: number;
  /** Signs ID tokens (RS256); `keyId` is its `kid` in the JWKS. */
  signingKey: CryptoKey;
  keyId: string;
  /** Told when a spent refresh token comes back: the tell-tale of two instances racing. */
  onRefreshTokenReuse(): void;
}

function invalidGrant(description: string): OAuthError {
  return new OAuthError(400, 'invalid_grant', description);
}

/** A stable, opaque subject per account, as providers give (never the address itself). */
export function subjectOf(account: string): string {
  return Buffer.from(account.toLowerCase()).toString('base64url');
}

export class TokenGrants {
  constructor(
    private readonly store: GrantStore,
    private readonly settings: TokenGrantSettings,
  ) {}

  async authorizationCode(client: OAuthClientRegistration, form: URLSearchParams): Promise<Record<string, unknown>> {
    const code = this.store.takeCode(required(form, 'code'));
    if (!code || code.clientId !== client.clientId) throw invalidGrant('Unknown, expired or used code');
    if (form.get('redirect_uri') !== code.redirectUri) throw invalidGrant('redirect_uri does not match');
    if (s256(required(form, 'code_verifier')) !== code.codeChallenge) throw invalidGrant('PKCE verification failed');
    const grant = this.store.createGrant(client.clientId, code.account, code.scope);
    return this.tokenResponse(client, code.account, code.scope, grant.id, grant.refreshToken, code.nonce);
  }

  async refreshToken(client: OAuthClientRegistration, form: URLSearchParams): Promise<Record<string, unknown>> {
    const outcome = this.store.rotate(required(form, 'refresh_token'), client.clientId);
    if (!outcome.ok) {
      if (outcome.reason === 'reused') this.settings.onRefreshTokenReuse();
      throw invalidGrant(`Refresh token ${outcome.reason}`);
    }
    const { id, account, scope, refreshToken } = outcome.grant;
    return this.tokenResponse(client, account, scope, id, refreshToken, undefined);
  }

  /** App-only tokens (Microsoft's client credentials): they open `account`'s mailbox. */
  clientCredentials(client: OAuthClientRegistration, form: URLSearchParams, account: string): Record<string, unknown> {
    if (client.clientSecret === undefined) throw new OAuthError(400, 'unauthorized_client', 'Public client');
    const scope = required(form, 'scope');
    const accessToken = this.store.issueAccessToken({
      clientId: client.clientId,
      account,
      scope,
      expiresAt: Date.now() + this.settings.accessTokenTtlSeconds * 1000,
      grantId: undefined,
    });
    return { access_token: accessToken, token_type: 'Bearer', expires_in: this.settings.accessTokenTtlSeconds, scope };
  }

  private async tokenResponse(
    client: OAuthClientRegistration,
    account: string,
    scope: string,
    grantId: number,
    refreshToken: string,
    nonce: string | undefined,
  ): Promise<Record<string, unknown>> {
    const accessToken = this.store.issueAccessToken({
      clientId: client.clientId,
      account,
      scope,
      expiresAt: Date.now() + this.settings.accessTokenTtlSeconds * 1000,
      grantId,
    });
    const response: Record<string, unknown> = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: this.settings.accessTokenTtlSeconds,
      refresh_token: refreshToken,
      scope,
    };
    if (scope.split(' ').includes('openid')) response.id_token = await this.idToken(client.clientId, account, nonce);
    return response;
  }

  private idToken(clientId: string, account: string, nonce: string | undefined): Promise<string> {
    return new SignJWT({
      email: account,
      email_verified: true,
      preferred_username: account,
      ...(nonce === undefined ? {} : { nonce }),
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.settings.keyId })
      .setIssuer(this.settings.issuer)
      .setSubject(subjectOf(account))
      .setAudience(clientId)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(this.settings.signingKey);
  }
}
