import type { MailSecurity } from '../common/net/mail-connect-options';

/** Thrown for a wrong alert variable; parse-config turns it into its ConfigError. */
export class AlertsConfigProblem extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(problem);
  }
}

/** The platform's own SMTP server, for mail that must not depend on a tenant's settings (alerts). */
export interface SystemSmtp {
  host: string;
  port: number;
  security: MailSecurity;
  auth: { user: string; pass: string } | null;
  verifyCertificate: boolean;
  from: { address: string; name?: string };
}

const SECURITIES: readonly MailSecurity[] = ['tls', 'starttls', 'none'];
const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;

/**
 * `SYSTEM_SMTP_URL`: `smtp://user:pass@host:port` (STARTTLS required, port 587 by default) or
 * `smtps://…` (TLS from the first byte, port 465). `?security=none` sends in clear text (a local relay),
 * `?verifyCertificate=false` accepts a self-signed certificate. User and password are percent-decoded.
 * The sender is `SYSTEM_SMTP_FROM`, else the user name when it is an address.
 */
export function parseSystemSmtp(url: string | undefined, fromValue: string | undefined): SystemSmtp | null {
  if (url === undefined) {
    if (fromValue !== undefined) throw new AlertsConfigProblem('SYSTEM_SMTP_FROM', 'needs SYSTEM_SMTP_URL');
    return null;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AlertsConfigProblem('SYSTEM_SMTP_URL', 'must be a URL like smtp://user:password@host:587');
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new AlertsConfigProblem('SYSTEM_SMTP_URL', 'must start with smtp:// or smtps://');
  }
  if (parsed.hostname === '') throw new AlertsConfigProblem('SYSTEM_SMTP_URL', 'must name a host');
  const implicitTls = parsed.protocol === 'smtps:';
  const security = parsed.searchParams.get('security') ?? (implicitTls ? 'tls' : 'starttls');
  if (!(SECURITIES as readonly string[]).includes(security)) {
    throw new AlertsConfigProblem('SYSTEM_SMTP_URL', `security must be one of ${SECURITIES.join(', ')}`);
  }
  const verify = parsed.searchParams.get('verifyCertificate') ?? 'true';
  if (verify !== 'true' && verify !== 'false') {
    throw new AlertsConfigProblem('SYSTEM_SMTP_URL', 'verifyCertificate must be true or false');
  }
  const user = decodeURIComponent(parsed.username);
  const auth = user === '' ? null : { user, pass: decodeURIComponent(parsed.password) };
  const address = fromValue ?? (EMAIL.test(user) ? user : undefined);
  if (address === undefined || !EMAIL.test(address)) {
    throw new AlertsConfigProblem('SYSTEM_SMTP_FROM', 'must be an email address (alerts are sent from it)');
  }
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port === '' ? (implicitTls ? 465 : 587) : Number(parsed.port),
    security: security as MailSecurity,
    auth,
    verifyCertificate: verify === 'true',
    from: { address, name: 'Helpdesk alerts' },
  };
}
