/**
 * A small OAuth2 / OpenID Connect authorization server on loopback, for tests: what Microsoft's or
 * Google's identity platform looks like to the app and to the mail servers (which introspect its tokens).
 *
 * ```ts
 * const oauth = await startOAuthServer({ account: 'support@contoso.test' });
 * oauth.registerClient({ clientId: 'helpdesk', clientSecret: 's3cret', redirectUris: [callbackUrl] });
 * // discovery at oauth.discoveryUrl; tokens it issues are accepted by startDovecot({ oauth2: ... })
 * // and startSmtpServer({ oauth2: ... }) pointed at oauth.introspectionEndpoint
 * ```
 *
 * Endpoints (all under `issuer`, http on 127.0.0.1):
 * - `GET /.well-known/openid-configuration`, `GET /jwks`
 * - `GET /authorize`: code flow only, PKCE S256 required; auto-approves as `account` with a 302 to
 *   `redirect_uri?code=&state=`, or `error=access_denied` while `deny` is set. An unknown client or an
 *   unregistered redirect URI is a 400 page (never a redirect).
 * - `POST /token`: `authorization_code` (single-use codes, 10 min; checks `code_verifier`, `redirect_uri`,
 *   client), `refresh_token` (rotating: each use returns a new refresh token and kills the one spent; a
 *   spent one answers `invalid_grant`), `client_credentials` (access token only, for the current
 *   `account`). Client auth: `client_secret_basic`, `client_secret_post`, or none for clients registered
 *   without a secret. `id_token` (RS256; sub, email, aud, iss, iat, exp, nonce) when the scope has `openid`.
 * - `POST /introspect` (RFC 7662, form `token=`): `{active, username, email, sub, scope, exp, iat,
 *   client_id, token_type}` or `{active: false}`. No client auth required (Dovecot sends none).
 * - `POST /revoke` (RFC 7009): always 200; a refresh token takes its whole grant with it.
 * - `GET /userinfo` with `Authorization: Bearer`.
 *
 * Access tokens are opaque random strings (`at_...`), refresh tokens `rt_...`, codes `code_...`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { GrantStore, type AccessTokenRecord } from './oauth-grants';
import { bearerToken, OAuthError, presentedClient, readForm, required, sendJson, sendOAuthError } from './oauth-http';
import { subjectOf, TokenGrants } from './oauth-token-grants';

export interface OAuthClientRegistration {
  clientId: string;
  /** Omit for a public client (authenticates with client_id alone). */
  clientSecret?: string;
  /** Exact redirect URIs allowed at /authorize; none registered means none allowed. */
  redirectUris?: string[];
}

export interface OAuthServerOptions {
  /** Lifetime of issued access tokens; default 3600 s (what Microsoft and Google give). */
  accessTokenTtlSeconds?: number;
  /** The account the next authorizations approve as; default 'support@contoso.test'. */
  account?: string;
  clients?: OAuthClientRegistration[];
}

/** What the token endpoint answers instead of tokens while set (see `failToken`). */
export interface TokenFailure {
  status: number;
  /** The OAuth `error` code, e.g. 'invalid_grant', 'temporarily_unavailable'. */
  error: string;
  description?: string;
  /** Fail only this grant type; default every one. */
  grantType?: GrantType;
}

export type GrantType = 'authorization_code' | 'refresh_token' | 'client_credentials';

/** Requests received since start (or `resetCounters()`), counted on arrival whatever the outcome. */
export interface OAuthCounters {
  /** /authorize requests, approved or denied. */
  authorizations: number;
  /** Token endpoint requests per grant type; a `refresh_token` count is how many refreshes were tried. */
  tokenRequests: Record<GrantType, number>;
  /** Token requests answered `invalid_grant` (spent/revoked refresh token, bad code or verifier). */
  invalidGrants: number;
  /** Refresh attempts with a refresh token that had already been spent: two instances racing. */
  reusedRefreshTokens: number;
  introspections: number;
  revocations: number;
  userinfo: number;
}

export interface TestOAuthServer {
  /** `http://127.0.0.1:PORT`, also `url`. */
  readonly issuer: string;
  readonly url: string;
  readonly discoveryUrl: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly revocationEndpoint: string;
  readonly introspectionEndpoint: string;
  readonly userinfoEndpoint: string;
  readonly jwksUri: string;
  /** Adds a client, or replaces the one with the same id. */
  registerClient(client: OAuthClientRegistration): void;
  /** The account that the next authorization (and client credentials token) is for. */
  readonly account: string;
  setAccount(account: string): void;
  /** While true, /authorize redirects with `error=access_denied` (the user clicked "Cancel"). */
  deny: boolean;
  /** While true, the token endpoint accepts requests and never answers them (until close()). */
  hang: boolean;
  /** Makes the token endpoint answer `failure` (e.g. 503 temporarily_unavailable); null answers normally. */
  failToken(failure: TokenFailure | null): void;
  /** Every access token issued so far is expired: introspection says inactive, refresh tokens still work. */
  expireAccessTokens(): void;
  /** The user (or admin) withdrew consent: refresh tokens answer invalid_grant, access tokens are inactive. */
  revokeGrants(account?: string): void;
  /** An access token for `account` without the browser flow (default: the current account, 'test' client). */
  issueAccessToken(opts?: { account?: string; clientId?: string; scope?: string; ttlSeconds?: number }): string;
  /** A snapshot: read it again to see later requests. */
  readonly counters: OAuthCounters;
  resetCounters(): void;
  close(): Promise<void>;
}

const DEFAULT_ACCOUNT = 'support@contoso.test';

function zeroCounters(): OAuthCounters {
  return {
    authorizations: 0,
    tokenRequests: { authorization_code: 0, refresh_token: 0, client_credentials: 0 },
    invalidGrants: 0,
    reusedRefreshTokens: 0,
    introspections: 0,
    revocations: 0,
    userinfo: 0,
  };
}

function isGrantType(value: string | null): value is GrantType {
  return value === 'authorization_code' || value === 'refresh_token' || value === 'client_credentials';
}

class OAuthServer implements TestOAuthServer {
  readonly url: string;
  readonly issuer: string;
  readonly discoveryUrl: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly revocationEndpoint: string;
  readonly introspectionEndpoint: string;
  readonly userinfoEndpoint: string;
  readonly jwksUri: string;
  deny = false;
  hang = false;
  private readonly counted = zeroCounters();
  private readonly clients = new Map<string, OAuthClientRegistration>();
  private readonly store = new GrantStore();
  private readonly grants: TokenGrants;
  private failure: TokenFailure | null = null;
  private currentAccount: string;
  private readonly accessTokenTtlSeconds: number;

  constructor(
    private readonly server: Server,
    port: number,
    signingKey: CryptoKey,
    private readonly publicJwk: JWK,
    opts: OAuthServerOptions,
  ) {
    this.url = this.issuer = `http://127.0.0.1:${port}`;
    this.discoveryUrl = `${this.url}/.well-known/openid-configuration`;
    this.authorizationEndpoint = `${this.url}/authorize`;
    this.tokenEndpoint = `${this.url}/token`;
    this.revocationEndpoint = `${this.url}/revoke`;
    this.introspectionEndpoint = `${this.url}/introspect`;
    this.userinfoEndpoint = `${this.url}/userinfo`;
    this.jwksUri = `${this.url}/jwks`;
    this.currentAccount = opts.account ?? DEFAULT_ACCOUNT;
    this.accessTokenTtlSeconds = opts.accessTokenTtlSeconds ?? 3600;
    this.grants = new TokenGrants(this.store, {
      issuer: this.url,
      accessTokenTtlSeconds: this.accessTokenTtlSeconds,
      signingKey,
      keyId: publicJwk.kid ?? '',
      onRefreshTokenReuse: () => this.counted.reusedRefreshTokens++,
    });
    for (const client of opts.clients ?? []) this.registerClient(client);
  }

  get account(): string {
    return this.currentAccount;
  }

  registerClient(client: OAuthClientRegistration): void {
    this.clients.set(client.clientId, { ...client, redirectUris: [...(client.redirectUris ?? [])] });
  }

  setAccount(account: string): void {
    this.currentAccount = account;
  }

  failToken(failure: TokenFailure | null): void {
    this.failure = failure;
  }

  expireAccessTokens(): void {
    this.store.expireAccessTokens();
  }

  revokeGrants(account?: string): void {
    this.store.revokeGrants(account);
  }

  issueAccessToken(opts: { account?: string; clientId?: string; scope?: string; ttlSeconds?: number } = {}): string {
    return this.store.issueAccessToken({
      clientId: opts.clientId ?? 'test',
      account: opts.account ?? this.currentAccount,
      scope: opts.scope ?? 'openid email',
      expiresAt: Date.now() + (opts.ttlSeconds ?? this.accessTokenTtlSeconds) * 1000,
      grantId: undefined,
    });
  }

  get counters(): OAuthCounters {
    return structuredClone(this.counted);
  }

  resetCounters(): void {
    Object.assign(this.counted, zeroCounters());
  }

  async close(): Promise<void> {
    // Hung token requests would otherwise keep close() waiting forever.
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The request listener. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    this.route(req, res).catch((err: unknown) => {
      if (res.headersSent) return;
      if (err instanceof OAuthError) sendOAuthError(res, err);
      else sendJson(res, 500, { error: 'server_error', error_description: String(err) });
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /.well-known/openid-configuration':
        return sendJson(res, 200, this.metadata());
      case 'GET /jwks':
        return sendJson(res, 200, { keys: [this.publicJwk] });
      case 'GET /authorize':
        return this.authorize(url.searchParams, res);
      case 'POST /token':
        return this.token(req, res);
      case 'POST /introspect':
        return this.introspect(await readForm(req), res);
      case 'POST /revoke':
        return this.revoke(req, res);
      case 'GET /userinfo':
      case 'POST /userinfo':
        return this.userinfo(req, res);
      default:
        return sendJson(res, 404, { error: 'not_found' });
    }
  }

  private metadata(): Record<string, unknown> {
    return {
      issuer: this.issuer,
      authorization_endpoint: this.authorizationEndpoint,
      token_endpoint: this.tokenEndpoint,
      revocation_endpoint: this.revocationEndpoint,
      introspection_endpoint: this.introspectionEndpoint,
      userinfo_endpoint: this.userinfoEndpoint,
      jwks_uri: this.jwksUri,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      scopes_supported: ['openid', 'email', 'offline_access'],
      claims_supported: ['sub', 'email', 'email_verified', 'iss', 'aud', 'iat', 'exp', 'nonce'],
    };
  }

  private authorize(params: URLSearchParams, res: ServerResponse): void {
    this.counted.authorizations++;
    const client = this.clients.get(params.get('client_id') ?? '');
    const redirectUri = params.get('redirect_uri') ?? '';
    // Never redirect to a URI we cannot vouch for (RFC 6749 4.1.2.1): show an error page instead.
    if (!client || !client.redirectUris?.includes(redirectUri)) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(client ? 'redirect_uri is not registered for this client' : 'unknown client_id');
      return;
    }
    const redirect = (answer: Record<string, string>) => {
      const target = new URL(redirectUri);
      for (const [name, value] of Object.entries(answer)) target.searchParams.set(name, value);
      const state = params.get('state');
      if (state !== null) target.searchParams.set('state', state);
      res.writeHead(302, { location: target.toString() });
      res.end();
    };
    if (params.get('response_type') !== 'code') {
      return redirect({ error: 'unsupported_response_type' });
    }
    const codeChallenge = params.get('code_challenge');
    if (!codeChallenge || params.get('code_challenge_method') !== 'S256') {
      return redirect({ error: 'invalid_request', error_description: 'PKCE with S256 is required' });
    }
    if (this.deny) {
      return redirect({ error: 'access_denied', error_description: 'The user declined to consent.' });
    }
    const code = this.store.issueCode({
      clientId: client.clientId,
      redirectUri,
      codeChallenge,
      scope: params.get('scope') ?? '',
      nonce: params.get('nonce') ?? undefined,
      account: this.currentAccount,
    });
    redirect({ code });
  }

  /** The registered client the request authenticates as, or an invalid_client error. */
  private authenticateClient(req: IncomingMessage, form: URLSearchParams): OAuthClientRegistration {
    const presented = presentedClient(req, form);
    const client = presented && this.clients.get(presented.clientId);
    const basic = presented?.method === 'client_secret_basic';
    if (!presented || !client) throw new OAuthError(401, 'invalid_client', 'Unknown client', basic);
    if (client.clientSecret !== undefined && presented.clientSecret !== client.clientSecret) {
      throw new OAuthError(401, 'invalid_client', 'Client authentication failed', basic);
    }
    return client;
  }

  private async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req);
    const grantType = form.get('grant_type');
    if (isGrantType(grantType)) this.counted.tokenRequests[grantType]++;
    if (this.hang) return; // the response is never written; close() drops the connection
    const failure = this.failure;
    if (failure && (failure.grantType === undefined || failure.grantType === grantType)) {
      if (failure.error === 'invalid_grant') this.counted.invalidGrants++;
      throw new OAuthError(failure.status, failure.error, failure.description);
    }
    const client = this.authenticateClient(req, form);
    try {
      switch (grantType) {
        case 'authorization_code':
          return sendJson(res, 200, await this.grants.authorizationCode(client, form));
        case 'refresh_token':
          return sendJson(res, 200, await this.grants.refreshToken(client, form));
        case 'client_credentials':
          return sendJson(res, 200, this.grants.clientCredentials(client, form, this.currentAccount));
        default:
          throw new OAuthError(400, 'unsupported_grant_type', `Unsupported grant_type ${grantType ?? ''}`);
      }
    } catch (err) {
      if (err instanceof OAuthError && err.error === 'invalid_grant') this.counted.invalidGrants++;
      throw err;
    }
  }

  private introspect(form: URLSearchParams, res: ServerResponse): void {
    this.counted.introspections++;
    const record = this.store.activeAccessToken(form.get('token') ?? '');
    sendJson(res, 200, record ? this.describe(record) : { active: false });
  }

  private describe(record: AccessTokenRecord): Record<string, unknown> {
    return {
      active: true,
      username: record.account,
      email: record.account,
      sub: subjectOf(record.account),
      scope: record.scope,
      client_id: record.clientId,
      token_type: 'Bearer',
      iat: Math.floor(record.issuedAt / 1000),
      exp: Math.floor(record.expiresAt / 1000),
    };
  }

  private async revoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.counted.revocations++;
    const form = await readForm(req);
    const client = this.authenticateClient(req, form);
    this.store.revokeToken(required(form, 'token'), client.clientId);
    res.writeHead(200);
    res.end();
  }

  private userinfo(req: IncomingMessage, res: ServerResponse): void {
    this.counted.userinfo++;
    const record = this.store.activeAccessToken(bearerToken(req) ?? '');
    if (!record) {
      res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' });
      res.end();
      return;
    }
    sendJson(res, 200, { sub: subjectOf(record.account), email: record.account, email_verified: true });
  }
}

export async function startOAuthServer(opts: OAuthServerOptions = {}): Promise<TestOAuthServer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };
  const handler: { oauth?: OAuthServer } = {};
  const server = createServer((req, res) => handler.oauth?.handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  handler.oauth = new OAuthServer(server, port, privateKey, publicJwk, opts);
  return handler.oauth;
}
