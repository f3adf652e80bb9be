import { parseConfig } from './parse-config';

/** The platform's OAuth app registrations (OAUTH_*), validated at boot. */
describe('parseConfig: OAuth apps', () => {
  const parse = (env: Record<string, string>) => parseConfig(env, '/srv');
  const withPublicUrl = { PUBLIC_URL: 'https://helpdesk.example.com' };

  it('has none by default, and Microsoft defaults to the organizations tenant', () => {
    expect(parse({}).oauth).toEqual({ microsoft: null, google: null });
    const config = parse({ ...withPublicUrl, OAUTH_MICROSOFT_CLIENT_ID: 'ms-app', OAUTH_MICROSOFT_CLIENT_SECRET: 's' });
    expect(config.oauth.microsoft).toEqual({ clientId: 'ms-app', clientSecret: 's', tenant: 'organizations' });
  });

  it('reads Google and a Microsoft tenant', () => {
    const config = parse({
      ...withPublicUrl,
      OAUTH_MICROSOFT_CLIENT_ID: 'ms-app',
      OAUTH_MICROSOFT_CLIENT_SECRET: 'ms-secret',
      OAUTH_MICROSOFT_TENANT: 'contoso.onmicrosoft.com',
      OAUTH_GOOGLE_CLIENT_ID: 'g-app.apps.googleusercontent.com',
      OAUTH_GOOGLE_CLIENT_SECRET: 'g-secret',
    });
    expect(config.oauth).toEqual({
      microsoft: { clientId: 'ms-app', clientSecret: 'ms-secret', tenant: 'contoso.onmicrosoft.com' },
      google: { clientId: 'g-app.apps.googleusercontent.com', clientSecret: 'g-secret' },
    });
  });

  it('refuses half an app, naming the missing variable, without repeating the secret', () => {
    expect(() => parse({ ...withPublicUrl, OAUTH_GOOGLE_CLIENT_ID: 'g-app' })).toThrow(
      'Invalid configuration: OAUTH_GOOGLE_CLIENT_SECRET must be set when OAUTH_GOOGLE_CLIENT_ID is set',
    );
    expect(() => parse({ ...withPublicUrl, OAUTH_MICROSOFT_CLIENT_SECRET: 'hush-1234' })).toThrow(
      'Invalid configuration: OAUTH_MICROSOFT_CLIENT_ID must be set when OAUTH_MICROSOFT_CLIENT_SECRET is set',
    );
  });

  it('needs PUBLIC_URL for the redirect URI, and a tenant that can be one', () => {
    expect(() => parse({ OAUTH_GOOGLE_CLIENT_ID: 'g', OAUTH_GOOGLE_CLIENT_SECRET: 's' })).toThrow(
      /^Invalid configuration: PUBLIC_URL/,
    );
    expect(() => parse({ OAUTH_MICROSOFT_TENANT: 'contoso/../evil' })).toThrow(
      /OAUTH_MICROSOFT_TENANT must be a tenant id/,
    );
  });
});
