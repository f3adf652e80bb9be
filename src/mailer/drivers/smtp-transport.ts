import nodemailer, { type SendMailOptions, type SMTPTransportOptions, type Transporter } from 'nodemailer';
import { isIP } from 'node:net';
import type { MailConnectOptions } from '../../common/net/mail-connect-options';
import { checkOutboundHost } from '../../common/net/outbound-policy';
import { withTimeout } from '../../common/net/with-timeout';
import type { OutgoingMessage, SendResult } from '../mailer.types';
import type { SmtpConnectionSettings } from '../smtp-settings';

/**
 * Connecting, the envelope and the data are separate waits, each bounded by nodemailer's socket
 * timeout; this backstop covers a server that trickles replies, which socket timeouts never notice.
 */
const SEND_BUDGET_STEPS = 3;

/**
 * nodemailer's login: a password, or XOAUTH2 with a token our own token service refreshed (nodemailer is
 * given no refresh token or client secret, so it never refreshes on its own).
 */
function transportAuth(auth: SmtpConnectionSettings['auth']): SMTPTransportOptions['auth'] {
  if (!auth) return undefined;
  if (auth.accessToken !== undefined) return { type: 'OAuth2', user: auth.user, accessToken: auth.accessToken };
  return { user: auth.user, pass: auth.pass };
}

/** Resolves and checks the host, then describes a connection to the checked address only. */
export async function smtpTransportOptions(
  settings: SmtpConnectionSettings,
  { timeoutMs, policy }: MailConnectOptions,
): Promise<SMTPTransportOptions> {
  const target = await withTimeout(checkOutboundHost(settings.host, policy), timeoutMs, `Resolving ${settings.host}`);
  // Certificates are still checked against the name the tenant entered, not the address.
  const servername = isIP(target.host) ? undefined : target.host;
  return {
    host: target.address,
    port: settings.port,
    secure: settings.security === 'tls',
    requireTLS: settings.security === 'starttls',
    // 'none' means none: no opportunistic upgrade that could fail on a broken certificate.
    ignoreTLS: settings.security === 'none',
    servername,
    tls: { rejectUnauthorized: settings.verifyCertificate, servername },
    auth: transportAuth(settings.auth),
    connectionTimeout: timeoutMs,
    // Shorter than the socket timeout, so "no greeting" (plain text sent to a TLS port) is what we report.
    greetingTimeout: Math.floor(timeoutMs * 0.75),
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
    logger: false,
    // Message content comes from tenants and templates; it must never make us read files or fetch URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

function mailOptions(message: OutgoingMessage): SendMailOptions {
  return {
    from: { name: message.from.name ?? '', address: message.from.address },
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    headers: message.headers,
    messageId: message.messageId,
    inReplyTo: message.inReplyTo,
    references: message.references,
  };
}

/** Sends through a single or pooled transport, aborting the delivery when the budget runs out. */
export async function sendWith(
  transport: Transporter,
  message: OutgoingMessage,
  timeoutMs: number,
): Promise<SendResult> {
  const abort = new AbortController();
  const info = await withTimeout(
    transport.sendMail({ ...mailOptions(message), signal: abort.signal }),
    timeoutMs * SEND_BUDGET_STEPS,
    'Sending the message',
    () => abort.abort(),
  );
  return { messageId: String(info.messageId), response: String(info.response) };
}

/** Checks connection, TLS and login without sending (nodemailer's verify, which ends with QUIT). */
export async function verifyWith(transport: Transporter, timeoutMs: number): Promise<void> {
  await withTimeout(transport.verify(), timeoutMs * SEND_BUDGET_STEPS, 'Checking the SMTP server', () =>
    transport.close(),
  );
}

/** A one-off transport, or a pool that keeps up to `poolConnections` connections open between messages. */
export function createSmtpTransport(options: SMTPTransportOptions, poolConnections?: number): Transporter {
  if (poolConnections === undefined) return nodemailer.createTransport(options);
  return nodemailer.createTransport({ ...options, pool: true, maxConnections: poolConnections });
}
