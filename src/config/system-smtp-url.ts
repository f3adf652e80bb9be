import type { MailSecurity } from '../common/net/mail-connect-options';

/** The platform's own outgoing server (password links, alerts), from SYSTEM_SMTP_URL. */
export interface SystemSmtpConfig {
  host: string;
  port: number;
  security: MailSecurity;
  auth: { user: string; pass: string } | null;
  /** The sender of platform mail: `?from=` in the URL, else the user name when it is an address, else noreply@host. */
  from: string;
  verifyCertificate: boolean;
}

const SECURITY: readonly MailSecurity[] = ['tls', 'starttls', 'none'];

/**
 * smtps://user:pass@host[:465] is TLS from the first byte; smtp://user:pass@host[:587] upgrades with
 * STARTTLS and refuses to go on without it. Query options: `security=none` (a relay on the same host,
 * no TLS at all), `from=`, `verify=false` (a self-signed certificate). Returns the problem as a string.
 */
export function parseSystemSmtpUrl(value: string): SystemSmtpConfig | string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a URL like smtp://user:password@host:587 or smtps://user:password@host:465';
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') return 'must start with smtp:// or smtps://';
  if (url.hostname === '') return 'must name a host';
  const security = url.searchParams.get('security') ?? (url.protocol === 'smtps:' ? 'tls' : 'starttls');
  if (!(SECURITY as readonly string[]).includes(security)) return 'has an unknown security= (tls, starttls or none)';
  const verify = url.searchParams.get('verify') ?? 'true';
  if (verify !== 'true' && verify !== 'false') return 'has verify= other than true or false';
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const from = url.searchParams.get('from') ?? (user.includes('@') ? user : `noreply@${host}`);
  if (!/^[^\s@]+@[^\s@]+$/.test(from)) return 'has a from= that is not an email address';
  return {
    host,
    port: url.port === '' ? (url.protocol === 'smtps:' ? 465 : 587) : Number(url.port),
    security: security as MailSecurity,
    auth: user === '' ? null : { user, pass },
    from,
    verifyCertificate: verify === 'true',
  };
}
