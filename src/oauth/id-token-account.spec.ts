import { accountFromIdToken } from './id-token-account';
import { clientSettingsFor, type OAuthClientSettings } from './oauth-providers';

const platform = { microsoft: { clientId: 'ms-app', clientSecret: 's', tenant: 'organizations' }, google: null };
const microsoft = clientSettingsFor('microsoft', null, platform) as OAuthClientSettings;
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

/** An unsigned JWT with these claims (the reader checks claims only; see its comment). */
function idToken(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256' })}.${part(claims)}.signature`;
}

const valid = {
  iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
  aud: 'ms-app',
  exp: Math.floor(Date.now() / 1000) + 3600,
  preferred_username: 'Support@Contoso.com',
};

describe('the account from an ID token', () => {
  it("takes Microsoft's address from preferred_username when there is no email claim, in lower case", () => {
    expect(accountFromIdToken(idToken(valid), microsoft)).toBe('support@contoso.com');
    expect(accountFromIdToken(idToken({ ...valid, email: 'shared@contoso.com' }), microsoft)).toBe(
      'shared@contoso.com',
    );
  });

  it('accepts any tenant for a multi-tenant app, only its own for a single-tenant one', () => {
    const single = clientSettingsFor('microsoft', null, {
      ...platform,
      microsoft: { ...platform.microsoft, tenant: TENANT },
    }) as OAuthClientSettings;
    expect(accountFromIdToken(idToken(valid), single)).toBe('support@contoso.com');
    const otherTenant = {
      ...valid,
      iss: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001/v2.0',
    };
    expect(accountFromIdToken(idToken(otherTenant), microsoft)).toBe('support@contoso.com');
    expect(() => accountFromIdToken(idToken(otherTenant), single)).toThrow('The ID token comes from another issuer');
  });

  it('refuses a token for another client, an expired one, a foreign issuer and non-JWTs', () => {
    expect(() => accountFromIdToken(idToken({ ...valid, aud: 'other-app' }), microsoft)).toThrow(/another client/);
    expect(() => accountFromIdToken(idToken({ ...valid, exp: 1_000_000 }), microsoft)).toThrow(/expired/);
    expect(() => accountFromIdToken(idToken({ ...valid, iss: 'https://evil.example/v2.0' }), microsoft)).toThrow(
      /another issuer/,
    );
    expect(() => accountFromIdToken('not-a-jwt', microsoft)).toThrow(/not a JWT/);
  });

  it('answers null when no claim is an address (the userinfo endpoint is asked then)', () => {
    expect(accountFromIdToken(idToken({ ...valid, preferred_username: 'support' }), microsoft)).toBeNull();
  });
});

describe('provider settings', () => {
  it("uses Microsoft's explicit endpoints and scopes, app-only scope for client credentials", () => {
    expect(microsoft).toMatchObject({
      authorizationEndpoint: 'https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize',
      tokenEndpoint: 'https://login.microsoftonline.com/organizations/oauth2/v2.0/token',
      revocationEndpoint: null,
      scopes: [
        'offline_access',
        'openid',
        'email',
        'https://outlook.office.com/IMAP.AccessAsUser.All',
        'https://outlook.office.com/SMTP.Send',
      ],
    });
    const own = {
      provider: 'microsoft' as const,
      grant: 'client-credentials' as const,
      clientId: 'own',
      clientSecret: 'x',
      tenant: 'contoso.onmicrosoft.com',
      issuer: null,
      authorizationEndpoint: null,
      tokenEndpoint: null,
      revocationEndpoint: null,
      scopes: null,
    };
    expect(clientSettingsFor('microsoft', own, platform)).toMatchObject({
      clientId: 'own',
      tokenEndpoint: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token',
      scopes: ['https://outlook.office365.com/.default'],
    });
  });

  it('asks Google for offline access, and has nothing for a provider without an app', () => {
    const google = clientSettingsFor('google', null, { ...platform, google: { clientId: 'g', clientSecret: 's' } });
    expect(google).toMatchObject({
      scopes: ['openid', 'email', 'https://mail.google.com/'],
      authorizationParameters: { access_type: 'offline', prompt: 'consent' },
    });
    expect(clientSettingsFor('google', null, platform)).toBeNull();
    expect(clientSettingsFor('custom', null, platform)).toBeNull();
  });
});
