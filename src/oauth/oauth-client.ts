import { Injectable } from '@nestjs/common';
import {
  allowInsecureRequests,
  authorizationCodeGrant,
  buildAuthorizationUrl,
  calculatePKCECodeChallenge,
  clientCredentialsGrant,
  Configuration,
  customFetch,
  refreshTokenGrant,
  tokenRevocation,
  type ServerMetadata,
  type TokenEndpointResponse,
  type TokenEndpointResponseHelpers,
} from 'openid-client';
import { AppConfig } from '../config/app-config';
import { classifyOAuthError, OAuthFailure } from './oauth-failure';
import type { OAuthClientSettings } from './oauth-providers';
import { accountFromIdToken } from './id-token-account';
import { policyFetch, type Fetch } from './policy-fetch';

/** What a token request gave: the tokens, when the access token expires, and (at sign-in) whose they are. */
export interface TokenGrant {
  accessToken: string;
  /** Null when the provider sent none (client credentials; or a refresh that keeps the old one). */
  refreshToken: string | null;
  expiresAtMs: number;
  /** The signed-in account, from the ID token or userinfo; only for the code exchange. */
  account: string | null;
}

/** Used when a token response has no expires_in: short, so an unknown lifetime is asked again soon. */
const DEFAULT_LIFETIME_SECONDS = 300;

type TokenResponse = TokenEndpointResponse & TokenEndpointResponseHelpers;

/**
 * The OAuth2 requests, through openid-client: authorization URLs with PKCE (S256), the code exchange,
 * refresh, client credentials and revocation. Every request goes through the outbound policy (see
 * policyFetch). ID tokens are taken out of token responses and read by accountFromIdToken, because
 * Microsoft's multi-tenant issuer cannot be a fixed value (see oauth-providers.ts).
 */
@Injectable()
export class OAuthClient {
  private readonly fetch: Fetch;

  constructor(private readonly config: AppConfig) {
    this.fetch = policyFetch(config.mail.connect);
  }

  async authorizationUrl(
    settings: OAuthClientSettings,
    redirectUri: string,
    state: string,
    verifier: string,
  ): Promise<string> {
    const { configuration } = await this.configure(settings);
    const url = buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: settings.scopes.join(' '),
      state,
      code_challenge: await calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...settings.authorizationParameters,
    });
    return url.href;
  }

  /** Exchanges the callback's code; `callbackUrl` is the redirect URI with the callback's parameters. */
  async exchangeCode(
    settings: OAuthClientSettings,
    callbackUrl: URL,
    state: string,
    verifier: string,
  ): Promise<TokenGrant> {
    const { configuration, idTokens } = await this.configure(settings);
    const tokens = await this.request('The code exchange', () =>
      authorizationCodeGrant(configuration, callbackUrl, { pkceCodeVerifier: verifier, expectedState: state }),
    );
    const fromIdToken = idTokens.length > 0 ? accountFromIdToken(idTokens[0], settings) : null;
    const account = fromIdToken ?? (await this.userinfoAccount(settings, tokens.access_token));
    if (account === null) {
      throw new OAuthFailure('protocol', 'The provider did not say which account signed in (no email in the ID token)');
    }
    return { ...this.grantOf(tokens), account };
  }

  async refresh(settings: OAuthClientSettings, refreshToken: string): Promise<TokenGrant> {
    const { configuration } = await this.configure(settings);
    const tokens = await this.request('The token refresh', () => refreshTokenGrant(configuration, refreshToken));
    return this.grantOf(tokens);
  }

  async clientCredentials(settings: OAuthClientSettings): Promise<TokenGrant> {
    const { configuration } = await this.configure(settings);
    const tokens = await this.request('The client credentials grant', () =>
      clientCredentialsGrant(configuration, { scope: settings.scopes.join(' ') }),
    );
    return this.grantOf(tokens);
  }

  /** Revokes a token where the provider has a revocation endpoint; false when it has none. */
  async revoke(settings: OAuthClientSettings, token: string, hint: 'refresh_token' | 'access_token'): Promise<boolean> {
    const { configuration } = await this.configure(settings);
    if (configuration.serverMetadata().revocation_endpoint === undefined) return false;
    await this.request('The revocation', () => tokenRevocation(configuration, token, { token_type_hint: hint }));
    return true;
  }

  private grantOf(tokens: TokenResponse): TokenGrant {
    const lifetime = tokens.expiresIn() ?? DEFAULT_LIFETIME_SECONDS;
    return {
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token ?? null,
      expiresAtMs: Date.now() + lifetime * 1000,
      account: null,
    };
  }

  private async request<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw classifyOAuthError(error, what);
    }
  }

  /**
   * A client for one operation. Its fetch keeps any ID token out of what openid-client sees (collected in
   * `idTokens`, checked by accountFromIdToken instead).
   */
  private async configure(
    settings: OAuthClientSettings,
  ): Promise<{ configuration: Configuration; idTokens: string[] }> {
    const metadata = await this.serverMetadata(settings);
    const idTokens: string[] = [];
    const tokenEndpoint = new URL(metadata.token_endpoint as string).href;
    const configuration = new Configuration(metadata, settings.clientId, settings.clientSecret ?? undefined);
    configuration[customFetch] = async (url, options) => {
      const response = await this.fetch(url, options as RequestInit);
      if (new URL(url).href !== tokenEndpoint || !response.ok) return response;
      const body = (await response.json()) as Record<string, unknown>;
      if (typeof body.id_token === 'string') idTokens.push(body.id_token);
      delete body.id_token;
      return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
    };
    // openid-client's own limit stays behind policyFetch's, which names the host and the timeout.
    configuration.timeout = Math.ceil(this.config.mail.connect.timeoutMs / 1000) + 5;
    if (this.config.mail.connect.policy.allowPrivate) allowInsecureRequests(configuration);
    return { configuration, idTokens };
  }

  /** The endpoints as configured, completed from the issuer's discovery document when some are missing. */
  private async serverMetadata(settings: OAuthClientSettings): Promise<ServerMetadata> {
    const configured = {
      authorization_endpoint: settings.authorizationEndpoint ?? undefined,
      token_endpoint: settings.tokenEndpoint ?? undefined,
      revocation_endpoint: settings.revocationEndpoint ?? undefined,
    };
    const complete = configured.authorization_endpoint !== undefined && configured.token_endpoint !== undefined;
    if (settings.issuer === null || complete) {
      if (configured.token_endpoint === undefined) {
        throw new OAuthFailure(
          'protocol',
          'The app registration has neither a token endpoint nor an issuer to discover it from',
        );
      }
      return { issuer: settings.issuer ?? new URL(configured.token_endpoint).origin, ...configured };
    }
    const discovered = await this.request('The discovery', () => this.discover(settings.issuer as string));
    return {
      ...discovered,
      ...Object.fromEntries(Object.entries(configured).filter(([, value]) => value !== undefined)),
    };
  }

  private async discover(issuer: string): Promise<ServerMetadata> {
    const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const response = await this.fetch(url, { headers: { accept: 'application/json' } });
    if (!response.ok) throw new OAuthFailure('protocol', `The discovery document answered HTTP ${response.status}`);
    const document = (await response.json()) as ServerMetadata;
    if (typeof document.issuer !== 'string' || document.issuer.replace(/\/$/, '') !== issuer.replace(/\/$/, '')) {
      throw new OAuthFailure('protocol', 'The discovery document names another issuer');
    }
    return document;
  }

  private async userinfoAccount(settings: OAuthClientSettings, accessToken: string): Promise<string | null> {
    if (settings.userinfoEndpoint === null) return null;
    const response = await this.request('The userinfo request', () =>
      this.fetch(settings.userinfoEndpoint as string, { headers: { authorization: `Bearer ${accessToken}` } }),
    );
    if (!response.ok) return null;
    const claims = (await response.json()) as { email?: unknown };
    return typeof claims.email === 'string' ? claims.email.toLowerCase() : null;
  }
}
