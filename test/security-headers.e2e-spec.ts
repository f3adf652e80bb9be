import type { Response } from 'supertest';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * The hardening headers on every kind of response, and a Swagger UI that still loads under its CSP:
 * every script and stylesheet the page names is served from our origin, with the type nosniff demands,
 * and the page has no inline script the policy would block.
 */
function directives(response: Response): Map<string, string> {
  const header = String(response.headers['content-security-policy'] ?? '');
  return new Map(
    header
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name, values.join(' ')]),
  );
}

describe('security headers', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(async () => {
    await testApp?.close();
  });

  it('are on API answers of every kind: success, 401, 404 and a malformed body', async () => {
    const responses = [
      await testApp.http().get('/health'),
      await testApp.http().get('/api/v1/tickets'),
      await testApp.http().get('/api/v1/no-such-route'),
      await testApp.http().post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{"broken'),
    ];
    expect(responses.map((response) => response.status)).toEqual([200, 401, 404, 400]);
    for (const response of responses) {
      expect(response.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' });
      expect(directives(response)).toEqual(
        new Map([
          ['default-src', "'none'"],
          ['frame-ancestors', "'none'"],
          ['base-uri', "'none'"],
          ['form-action', "'none'"],
        ]),
      );
      expect(response.headers['strict-transport-security']).toBeUndefined();
      expect(response.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('let the Swagger UI load: same-origin scripts and styles only, and nothing inline to run', async () => {
    const page = await testApp.http().get('/docs').expect(200);
    const policy = directives(page);
    expect(policy.get('script-src')).toBe("'self'");
    expect(policy.get('frame-ancestors')).toBe("'none'");
    expect(policy.get('connect-src')).toBe("'self'");
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);

    const scripts = [...page.text.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((match) => match[1]);
    const styles = [...page.text.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((match) => match[1]);
    expect(scripts.length).toBeGreaterThanOrEqual(3);
    expect(styles.length).toBeGreaterThanOrEqual(1);
    for (const [refs, type] of [
      [scripts, /javascript/],
      [styles, /text\/css/],
    ] as const) {
      for (const ref of refs) {
        const url = new URL(ref, 'http://desk.test/docs');
        expect(url.host).toBe('desk.test');
        const asset = await testApp.http().get(url.pathname).expect(200);
        expect(asset.headers['content-type']).toMatch(type);
        expect(asset.headers['x-content-type-options']).toBe('nosniff');
      }
    }
    const document = await testApp.http().get('/docs-json').expect(200);
    expect(document.body.openapi).toMatch(/^3\./);
  });

  it('serve the console at / under its own strict policy: same-origin script only, nothing inline, never framed', async () => {
    const page = await testApp.http().get('/').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' });
    const policy = directives(page);
    expect(policy.get('default-src')).toBe("'none'");
    expect(policy.get('script-src')).toBe("'self'");
    expect(policy.get('connect-src')).toBe("'self'");
    expect(policy.get('frame-ancestors')).toBe("'none'");
    expect(policy.get('object-src')).toBe("'none'");
    // No inline script for the policy to refuse, and no inline event handler.
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page.text).not.toMatch(/\son[a-z]+=/i);

    const scripts = [...page.text.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((match) => match[1]);
    const styles = [...page.text.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((match) => match[1]);
    expect(scripts).toHaveLength(1);
    expect(styles).toHaveLength(1);
    for (const [ref, type] of [
      [scripts[0], /javascript/],
      [styles[0], /text\/css/],
    ] as const) {
      expect(ref).toMatch(/^\/assets\//);
      const asset = await testApp.http().get(ref).expect(200);
      expect(asset.headers['content-type']).toMatch(type);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    // The server's own paths are not the console's: an unknown API route is still a JSON 404.
    const missing = await testApp.http().get('/api/v1/console').expect(404);
    expect(missing.body).toMatchObject({ statusCode: 404 });
    expect(directives(missing).get('default-src')).toBe("'none'");
    expect(directives(missing).get('script-src')).toBeUndefined();
  });

  it('keep the token across reloads in Swagger outside production', async () => {
    const init = await testApp.http().get('/docs/swagger-ui-init.js').expect(200);
    expect(init.text).toMatch(/"persistAuthorization":\s*true/);
  });

  it('add HSTS only behind TLS: a forwarded https request is trusted only with TRUST_PROXY', async () => {
    const forwarded = () => testApp.http().get('/health').set('X-Forwarded-Proto', 'https');
    expect((await forwarded()).headers['strict-transport-security']).toBeUndefined();
    const behindProxy = await testApp.restart({ TRUST_PROXY: 'true' });
    testApp = behindProxy;
    expect((await forwarded()).headers['strict-transport-security']).toBe('max-age=31536000');
    expect((await testApp.http().get('/health')).headers['strict-transport-security']).toBeUndefined();
  });

  it('add HSTS everywhere and forget Swagger tokens in production behind an https PUBLIC_URL', async () => {
    testApp = await testApp.restart({ NODE_ENV: 'production', PUBLIC_URL: 'https://desk.example.test' });
    const health = await testApp.http().get('/health');
    expect(health.headers['strict-transport-security']).toBe('max-age=31536000');
    const init = await testApp.http().get('/docs/swagger-ui-init.js').expect(200);
    expect(init.text).toMatch(/"persistAuthorization":\s*false/);
  });
});
