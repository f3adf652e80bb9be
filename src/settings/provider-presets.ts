import type { MailSecurity } from '../common/net/mail-connect-options';
import type { OAuthProvider } from '../oauth/mail-access-tokens';

export interface MailServer {
  host: string;
  port: number;
  security: MailSecurity;
}

/** The servers an OAuth2 account of a provider logs in to, filled in when the admin leaves them out. */
export const PROVIDER_PRESETS: Readonly<
  Partial<Record<OAuthProvider, { incoming: MailServer; outgoing: MailServer }>>
> = {
  microsoft: {
    incoming: { host: 'outlook.office365.com', port: 993, security: 'tls' },
    outgoing: { host: 'smtp.office365.com', port: 587, security: 'starttls' },
  },
  google: {
    incoming: { host: 'imap.gmail.com', port: 993, security: 'tls' },
    outgoing: { host: 'smtp.gmail.com', port: 465, security: 'tls' },
  },
};

/** The fields given, each missing one from `preset`; null when one is missing and there is no preset. */
export function serverWithPreset(given: Partial<MailServer>, preset: MailServer | undefined): MailServer | null {
  const server = {
    host: given.host ?? preset?.host,
    port: given.port ?? preset?.port,
    security: given.security ?? preset?.security,
  };
  if (server.host === undefined || server.port === undefined || server.security === undefined) return null;
  return { host: server.host, port: server.port, security: server.security };
}
