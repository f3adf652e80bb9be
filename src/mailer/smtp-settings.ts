import type { MailSecurity } from '../common/net/mail-connect-options';

/** An SMTP login: a password, or an OAuth2 access token (XOAUTH2). */
export type SmtpAuth =
  { user: string; pass: string; accessToken?: never } | { user: string; accessToken: string; pass?: never };

/**
 * A tenant's outgoing server. `security` is followed strictly: 'none' never upgrades even when the
 * server offers STARTTLS, 'starttls' fails rather than send in clear text, 'tls' is TLS from the first byte.
 */
export interface SmtpConnectionSettings {
  host: string;
  port: number;
  security: MailSecurity;
  /** null sends without AUTH (e.g. a relay that trusts our address). */
  auth: SmtpAuth | null;
  verifyCertificate: boolean;
}
