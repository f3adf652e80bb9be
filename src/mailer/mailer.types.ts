import type { MailConnectOptions } from '../common/net/mail-connect-options';
import type { SmtpConnectionSettings } from './smtp-settings';

export interface OutgoingMessage {
  from: { address: string; name?: string };
  to: string[];
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
  /** With angle brackets, e.g. `<t-42.1@helpdesk.example>`; generated when missing. */
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
}

export interface SendResult {
  messageId: string;
  /** The server's final reply, e.g. "250 2.0.0 Ok: queued as 4F2A1". */
  response: string;
}

/** Keeps connections open between messages, for draining a queue. */
export interface MailerPool {
  send(message: OutgoingMessage): Promise<SendResult>;
  /** Closes idle connections at once; a message being delivered is finished first. */
  close(): void;
}

export interface MailerPoolOptions extends MailConnectOptions {
  /** Parallel connections to the server; default 1, since small providers throttle per account. */
  maxConnections?: number;
}

/** Sending fails with SmtpSendError (a MailConnectionError that also says whether to retry). */
export interface MailerDriver {
  /** Connects, upgrades/handshakes as configured, logs in, and quits without sending. */
  testConnection(settings: SmtpConnectionSettings, options: MailConnectOptions): Promise<void>;
  send(settings: SmtpConnectionSettings, message: OutgoingMessage, options: MailConnectOptions): Promise<SendResult>;
  createPool(settings: SmtpConnectionSettings, options: MailerPoolOptions): Promise<MailerPool>;
}
