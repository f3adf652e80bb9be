import type { MailSecurity } from '../common/net/mail-connect-options';

/** The connection fields a stored password was entered for. */
export interface MailEndpoint {
  host: string;
  port: number;
  security: MailSecurity;
  verifyCertificate: boolean;
  username: string | null;
}

/**
 * IMAP and SMTP host names that belong to one provider, so the mailbox password may go to both. A table of
 * well-known providers rather than a "imap.X ↔ smtp.X" rule: without a public suffix list we cannot tell
 * imap.example.com (one owner) from imap.com.br and smtp.com.br (two unrelated owners).
 */
const PROVIDER_PAIRS: ReadonlyArray<readonly [imap: string, smtp: string]> = [
  ['imap.gmail.com', 'smtp.gmail.com'],
  ['outlook.office365.com', 'smtp.office365.com'],
  ['outlook.office365.com', 'smtp-mail.outlook.com'],
  ['imap-mail.outlook.com', 'smtp-mail.outlook.com'],
  ['imap.mail.yahoo.com', 'smtp.mail.yahoo.com'],
  ['imap.mail.me.com', 'smtp.mail.me.com'],
  ['imap.aol.com', 'smtp.aol.com'],
  ['imap.fastmail.com', 'smtp.fastmail.com'],
  ['imap.zoho.com', 'smtp.zoho.com'],
  ['imap.zoho.eu', 'smtp.zoho.eu'],
  ['imap.gmx.com', 'mail.gmx.com'],
  ['imap.gmx.net', 'mail.gmx.net'],
  ['imap.web.de', 'smtp.web.de'],
  ['imap.mail.ru', 'smtp.mail.ru'],
  ['imap.yandex.com', 'smtp.yandex.com'],
];

export function normalizeMailHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '');
}

/** Whether the incoming (IMAP) password may log in to `smtpHost`: the same host, or the provider's SMTP host. */
export function smtpMayUseImapCredentials(imapHost: string, smtpHost: string): boolean {
  const imap = normalizeMailHost(imapHost);
  const smtp = normalizeMailHost(smtpHost);
  return imap === smtp || PROVIDER_PAIRS.some(([i, s]) => i === imap && s === smtp);
}

/**
 * Whether a stored password may be kept (or reused by a test) for `next`: only when nothing that decides
 * where and how it travels changed. Another port may be another service; turning off TLS or certificate
 * checks lets anyone on the path read it.
 */
export function sameEndpoint(stored: MailEndpoint, next: MailEndpoint): boolean {
  return (
    normalizeMailHost(stored.host) === normalizeMailHost(next.host) &&
    stored.port === next.port &&
    stored.security === next.security &&
    stored.verifyCertificate === next.verifyCertificate &&
    stored.username === next.username
  );
}

/** Whether an SMTP connection protects the incoming password at least as well as the IMAP one does. */
export function asProtectedAs(
  imap: Pick<MailEndpoint, 'security' | 'verifyCertificate'>,
  smtp: Pick<MailEndpoint, 'security' | 'verifyCertificate'>,
): boolean {
  if (imap.security !== 'none' && smtp.security === 'none') return false;
  return !(imap.verifyCertificate && !smtp.verifyCertificate);
}
