import type { OutboundPolicy } from './outbound-policy';

/** How the connection is secured: implicit TLS, a STARTTLS upgrade that must succeed, or none at all. */
export type MailSecurity = 'tls' | 'starttls' | 'none';

/** What every driver call needs besides the tenant's settings. */
export interface MailConnectOptions {
  /** Bound for each network step (resolving, connecting, each command), not for the whole call. */
  timeoutMs: number;
  policy: OutboundPolicy;
}
