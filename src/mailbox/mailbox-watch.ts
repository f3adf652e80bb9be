import { MailConnectionError } from '../common/net/mail-connection-error';

/**
 * What a watched folder reports. Each is a hint that something changed, never the change itself:
 * the caller lists the folder from its own watermark.
 */
export type MailboxWatchEvent =
  | { type: 'exists'; count: number }
  | { type: 'expunge' }
  /** The folder was selected anew with another UIDVALIDITY: every UID the caller knows is void. */
  | { type: 'uidvalidity'; uidValidity: string }
  /** The connection is over (server gone, kicked, timed out, or closed by us); no event follows. */
  | { type: 'closed'; error: MailConnectionError | null };

export interface MailboxWatchOptions {
  /** IDLE is broken and re-issued after this long, so no middlebox forgets a silent connection. */
  maxIdleMs: number;
  /** For servers without IDLE: how often a NOOP asks for news instead. */
  pollIntervalMs: number;
}

/** One connection with the folder selected, listening for changes (IMAP IDLE, or NOOP polling). */
export interface MailboxWatch {
  /** Whether the server offers IDLE; without it the watch polls, and news is up to a poll interval late. */
  readonly idleSupported: boolean;
  readonly uidValidity: string;
  /** Events in the order the server sent them; 'closed' comes exactly once, last. */
  onEvent(listener: (event: MailboxWatchEvent) => void): void;
  /** Logs out and drops the connection; 'closed' (without error) follows. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * The server asks us to slow down (imapflow's ETHROTTLE, e.g. Exchange Online's "Request is
 * throttled. Suggested Backoff Time"): wait `retryAfterMs` before connecting again.
 */
export class MailboxThrottledError extends MailConnectionError {
  constructor(
    message: string,
    readonly retryAfterMs: number,
    options: { cause?: unknown } = {},
  ) {
    super('protocol', message, { hint: 'The server is throttling this account; we wait and try again.', ...options });
  }
}
