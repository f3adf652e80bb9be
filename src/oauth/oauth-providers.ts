import type { AppConfig } from '../config/app-config';
import type { OAuthProvider } from './mail-access-tokens';
import type { OAuthGrant } from './oauth-app.entity';

/** Everything a token request needs of an app registration, with its secret opened. */
export interface OAuthClientSettings {
  provider: OAuthProvider;
  grant: OAuthGrant;
  clientId: string;
  clientSecret: string | null;
  /** Where the endpoints come from when none are given (a custom server's discovery). */
  issuer: string | null;
  authorizationEndpoint: string | null;
  tokenEndpoint: string | null;
  revocationEndpoint: string | null;
  userinfoEndpoint: string | null;
  scopes: string[];
  /** Extra parameters of the authorization request (Google hands out a refresh token only when asked). */
  authorizationParameters: Record<string, string>;
  /** Whether an ID token's `iss` is this provider's; null when there is nothing to compare it with. */
  acceptsIssuer: ((issuer: string) => boolean) | null;
}

/** An organization's own registration as stored, the secret opened. */
export interface OwnOAuthApp {
  provider: OAuthProvider;
  grant: OAuthGrant;
  clientId: string;
  clientSecret: string | null;
  tenant: string | null;
  issuer: string | null;
  authorizationEndpoint: string | null;
  tokenEndpoint: string | null;
  revocationEndpoint: string | null;
  scopes: string[] | null;
}

const MICROSOFT_LOGIN = 'https://login.microsoftonline.com';
const MICROSOFT_SCOPES = [
  'offline_access',
  'openid',
  'email',
  'https://outlook.office.com/IMAP.AccessAsUser.All',
  'https://outlook.office.com/SMTP.Send',
];
/** App-only access to Exchange Online (IMAP and SMTP with the application's own permissions). */
const MICROSOFT_APP_ONLY_SCOPES = ['https://outlook.office365.com/.default'];
const GOOGLE_SCOPES = ['openid', 'email', 'https://mail.google.com/'];
const CUSTOM_SCOPES = ['openid', 'email', 'offline_access'];
const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Audiences that are not one tenant: sign-ins from many, so the ID token's issuer names the user's tenant. */
export const MICROSOFT_MULTI_TENANT = ['organizations', 'common', 'consumers'];

/**
 * Microsoft's endpoints, configured rather than discovered: the multi-tenant discovery document's issuer is
 * a template (`…/{tenantid}/v2.0`), so the ID token's issuer is checked against that pattern here, and
 * against the tenant itself when it is a tenant id. There is no revocation endpoint.
 */
function microsoft(
  app: Pick<OwnOAuthApp, 'clientId' | 'clientSecret' | 'grant' | 'scopes'>,
  tenant: string,
): OAuthClientSettings {
  const base = `${MICROSOFT_LOGIN}/${encodeURIComponent(tenant)}/oauth2/v2.0`;
  return {
    provider: 'microsoft',
    grant: app.grant,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    issuer: null,
    authorizationEndpoint: `${base}/authorize`,
    tokenEndpoint: `${base}/token`,
    revocationEndpoint: null,
    userinfoEndpoint: 'https://graph.microsoft.com/oidc/userinfo',
    scopes: app.scopes ?? (app.grant === 'client-credentials' ? MICROSOFT_APP_ONLY_SCOPES : MICROSOFT_SCOPES),
    authorizationParameters: {},
    acceptsIssuer: (issuer) => {
      const match = /^https:\/\/login\.microsoftonline\.com\/([0-9a-f-]{36})\/v2\.0$/.exec(issuer);
      return match !== null && (!TENANT_ID.test(tenant) || match[1].toLowerCase() === tenant.toLowerCase());
    },
  };
}

function google(app: Pick<OwnOAuthApp, 'clientId' | 'clientSecret' | 'scopes'>): OAuthClientSettings {
  return {
    provider: 'google',
    grant: 'authorization-code',
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    issuer: null,
    authorizationEndpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenEndpoint: 'https://oauth2.googleapis.com/token',
    revocationEndpoint: 'https://oauth2.googleapis.com/revoke',
    userinfoEndpoint: 'https://openidconnect.googleapis.com/v1/userinfo',
    scopes: app.scopes ?? GOOGLE_SCOPES,
    // Without both, a second sign-in comes back with no refresh token.
    authorizationParameters: { access_type: 'offline', prompt: 'consent' },
    acceptsIssuer: (issuer) => issuer === 'https://accounts.google.com' || issuer === 'accounts.google.com',
  };
}

function custom(app: OwnOAuthApp): OAuthClientSettings {
  return {
    provider: 'custom',
    grant: app.grant,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    issuer: app.issuer,
    authorizationEndpoint: app.authorizationEndpoint,
    tokenEndpoint: app.tokenEndpoint,
    revocationEndpoint: app.revocationEndpoint,
    userinfoEndpoint: null,
    scopes: app.scopes ?? CUSTOM_SCOPES,
    authorizationParameters: {},
    acceptsIssuer:
      app.issuer === null ? null : (issuer) => issuer.replace(/\/$/, '') === app.issuer?.replace(/\/$/, ''),
  };
}

/**
 * The settings to use for `provider`: the organization's own registration when it has one for that
 * provider, else the platform's (OAUTH_*); null when there is neither.
 */
export function clientSettingsFor(
  provider: OAuthProvider,
  own: OwnOAuthApp | null,
  platform: AppConfig['oauth'],
): OAuthClientSettings | null {
  if (own !== null && own.provider === provider) {
    if (provider === 'microsoft') return microsoft(own, own.tenant ?? platform.microsoft?.tenant ?? 'organizations');
    return provider === 'google' ? google(own) : custom(own);
  }
  if (provider === 'microsoft' && platform.microsoft !== null) {
    const { clientId, clientSecret, tenant } = platform.microsoft;
    return microsoft({ clientId, clientSecret, grant: 'authorization-code', scopes: null }, tenant);
  }
  if (provider === 'google' && platform.google !== null) return google({ ...platform.google, scopes: null });
  return null;
}
