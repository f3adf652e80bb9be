/**
 * What the OAuth module hands the rest of the service: an access token for the organization's connected
 * mail account, and what the settings screen shows of the connection. Never a refresh token, a client
 * secret or a code.
 */
export interface MailAccessToken {
  /** The connected account's address (the IMAP/SMTP user unless the settings name another mailbox). */
  account: string;
  accessToken: string;
}

export type OAuthProvider = 'microsoft' | 'google' | 'custom';

/** The connection as the settings screen shows it. */
export interface OAuthConnectionSnapshot {
  provider: OAuthProvider;
  account: string;
  connectedAt: Date;
  status: 'connected' | 'needs-reauth';
  lastRefreshAt: Date | null;
  lastError: { class: string; message: string; at: Date } | null;
}

/**
 * Access tokens for mail logins, implemented by the OAuth module. `get` gives a cached token until 60 s
 * before its expiry and refreshes on demand (one refresh per organization across instances);
 * `forceRefresh` after a server rejected the token. When there is no grant, or it needs to be
 * reconnected, it throws MailConnectionError('auth', …, { hint: 'Reconnect the mailbox' }) without
 * asking the provider, so a revoked grant never becomes a hot loop.
 */
export abstract class MailAccessTokens {
  abstract get(organizationId: string, options?: { forceRefresh?: boolean }): Promise<MailAccessToken>;
  abstract connection(organizationId: string): Promise<OAuthConnectionSnapshot | null>;
}
