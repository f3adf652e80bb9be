import type { MailSystem } from '../harness/mail-system';
import type { TestOAuthServer } from '../harness/oauth-server';
import { Helpdesk } from './helpdesk';
import type { TestApp } from './test-app';
import { createTenant } from './tenants';

/** What the app is told its public address is: the redirect URI registered with the test OAuth server. */
export const PUBLIC_URL = 'http://helpdesk.test';
export const REDIRECT_URI = `${PUBLIC_URL}/api/v1/settings/email/oauth/callback`;
export const OAUTH_CLIENT = { clientId: 'helpdesk', clientSecret: 'helpdesk-client-secret' };

/** An organization whose mailbox account is connected with OAuth2 through the test authorization server. */
export interface OAuthDesk {
  desk: Helpdesk;
  auth: { Authorization: string };
  /** Authorize, follow the redirect as a browser would, and land on the callback; returns its page. */
  connect(): Promise<{ status: number; text: string }>;
  settings(): Promise<Record<string, unknown> & { oauth: Record<string, unknown> | null }>;
}

export async function openOAuthDesk(testApp: TestApp, oauth: TestOAuthServer): Promise<OAuthDesk> {
  oauth.registerClient({ ...OAUTH_CLIENT, redirectUris: [REDIRECT_URI] });
  const desk = new Helpdesk(testApp, await createTenant(testApp));
  const auth = { Authorization: `Bearer ${desk.tenant.admin.token}` };
  await testApp
    .http()
    .put('/api/v1/settings/email/oauth-app')
    .set(auth)
    .send({ provider: 'custom', ...OAUTH_CLIENT, issuer: oauth.issuer, scopes: ['openid', 'email', 'offline_access'] })
    .expect(200);
  return {
    desk,
    auth,
    connect: async () => {
      const started = await testApp
        .http()
        .post('/api/v1/settings/email/oauth/authorize')
        .set(auth)
        .send({ provider: 'custom' })
        .expect(201);
      // The browser: the provider approves and redirects to our callback, which the app serves at PUBLIC_URL.
      const approval = await fetch(started.body.authorizationUrl as string, { redirect: 'manual' });
      const location = new URL(approval.headers.get('location') ?? '');
      if (location.origin !== PUBLIC_URL) throw new Error(`Redirected to ${location.origin}, not the app`);
      const callback = await testApp.http().get(location.pathname + location.search);
      return { status: callback.status, text: callback.text };
    },
    settings: async () => (await testApp.http().get('/api/v1/settings/email').set(auth).expect(200)).body,
  };
}

/** The incoming (IMAP over OAuth2) and outgoing (SMTP XOAUTH2, reusing the account) settings on the harness. */
export async function useOAuthMailbox(testApp: TestApp, desk: OAuthDesk, mail: MailSystem): Promise<void> {
  await testApp
    .http()
    .put('/api/v1/settings/email/incoming')
    .set(desk.auth)
    .send({
      auth: 'oauth2',
      host: mail.dovecot.host,
      port: mail.dovecot.imapPort,
      security: 'none',
      verifyCertificate: false,
    })
    .expect(200);
  await testApp
    .http()
    .put('/api/v1/settings/email/outgoing')
    .set(desk.auth)
    .send({ host: mail.smtp.host, port: mail.smtp.port, security: 'starttls', verifyCertificate: false })
    .expect(200);
}
