import type { MailSecurity } from '../common/net/mail-connect-options';

/**
 * A tenant's IMAP account. `security` is followed strictly: 'none' never upgrades even when the server
 * offers STARTTLS, 'starttls' fails rather than continue in clear text, 'tls' is TLS from the first byte.
 */
export interface ImapConnectionSettings {
  host: string;
  port: number;
  security: MailSecurity;
  username: string;
  password: string;
  verifyCertificate: boolean;
  folder: string;
}
