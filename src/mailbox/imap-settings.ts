import type { MailSecurity } from '../common/net/mail-connect-options';

/**
 * How the IMAP login proves itself: the mailbox password, or an OAuth2 access token (OAUTHBEARER, or
 * XOAUTH2 where the server offers only that, as Microsoft 365 does).
 */
export type ImapCredential = { password: string; accessToken?: never } | { accessToken: string; password?: never };

/**
 * A tenant's IMAP account. `security` is followed strictly: 'none' never upgrades even when the server
 * offers STARTTLS, 'starttls' fails rather than continue in clear text, 'tls' is TLS from the first byte.
 */
export type ImapConnectionSettings = ImapCredential & {
  host: string;
  port: number;
  security: MailSecurity;
  username: string;
  verifyCertificate: boolean;
  folder: string;
};
