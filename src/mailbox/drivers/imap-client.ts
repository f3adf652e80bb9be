import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { isIP } from 'node:net';
import type { MailConnectOptions } from '../../common/net/mail-connect-options';
import { classifyMailError, MailConnectionError, type MailStage } from '../../common/net/mail-connection-error';
import { checkOutboundHost, type OutboundTarget } from '../../common/net/outbound-policy';
import { withTimeout } from '../../common/net/with-timeout';
import type { ImapConnectionSettings } from '../imap-settings';

/**
 * A session may sit idle while its caller parses what it fetched; a server silent for this long while
 * a command is running is gone. Calls are bounded separately (see imapCall), this only reaps sockets.
 */
const MIN_SOCKET_IDLE_MS = 60_000;

function clientOptions(settings: ImapConnectionSettings, target: OutboundTarget, timeoutMs: number): ImapFlowOptions {
  // Connect to the address that passed the policy check; certificates are still checked against the name.
  const servername = isIP(target.host) ? undefined : target.host;
  return {
    host: target.address,
    port: settings.port,
    secure: settings.security === 'tls',
    // false keeps 'none' in clear text even when STARTTLS is offered; true makes STARTTLS mandatory.
    doSTARTTLS: settings.security === 'starttls',
    servername,
    tls: { rejectUnauthorized: settings.verifyCertificate, servername },
    // imapflow prefers OAUTHBEARER with a token and falls back to XOAUTH2.
    auth:
      settings.accessToken !== undefined
        ? { user: settings.username, accessToken: settings.accessToken }
        : { user: settings.username, pass: settings.password },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: timeoutMs,
    // Shorter than our own bound on connect(), so the telling "no greeting" error (plain text sent to a
    // TLS port) wins over a generic timeout.
    greetingTimeout: Math.floor(timeoutMs * 0.75),
    socketTimeout: Math.max(timeoutMs, MIN_SOCKET_IDLE_MS),
  };
}

/**
 * Whether the connection is over for its caller. After a server's BYE (e.g. "Server shutting down")
 * imapflow is in the LOGOUT state but stays `usable` until its deferred close runs; a command issued in
 * that gap is refused as if no folder were selected (NoMailboxSelected, or a search answering false)
 * rather than as a lost connection.
 */
export function connectionEnded(client: ImapFlow): boolean {
  return !client.usable || client.state === client.states.LOGOUT;
}

/**
 * The error for a command on a connection that is over, with the server's farewell when it gave one
 * and what the command itself failed with, if anything (a refusal the server followed with its BYE).
 */
export function connectionLost(client: ImapFlow, failure?: MailConnectionError): MailConnectionError {
  const farewell = client.byeReason ? ` (${client.byeReason})` : '';
  const before = failure ? `; the command had failed with: ${failure.message}` : '';
  return new MailConnectionError(
    'refused',
    `The IMAP connection was closed by the server or after an earlier failure${farewell}${before}`,
    { cause: failure?.cause ?? failure },
  );
}

/**
 * The error for a command that imapflow answered with nothing usable (false or undefined) instead of
 * failing: it does so for a refusal, and also on a connection that ended, which is a lost connection.
 */
export function noAnswer(client: ImapFlow, refusal: string): MailConnectionError {
  return connectionEnded(client) ? connectionLost(client) : new MailConnectionError('protocol', refusal);
}

/**
 * Runs one IMAP step within `timeoutMs`. On timeout the connection is dropped: the step may still be
 * in flight and the protocol state is unknown. Every failure comes out as a MailConnectionError.
 */
export async function imapCall<T>(
  client: ImapFlow,
  work: Promise<T>,
  timeoutMs: number,
  what: string,
  stage: MailStage = 'command',
): Promise<T> {
  try {
    return await withTimeout(work, timeoutMs, what, () => client.close());
  } catch (err) {
    const error = classifyMailError(err, stage);
    // Only once logged in: before that, a client that is not yet usable says nothing about the server.
    const cutOff = stage === 'command' && error.reason === 'protocol' && connectionEnded(client);
    throw cutOff ? connectionLost(client, error) : error;
  }
}

/**
 * Resolves and checks the host, connects and logs in; the caller owns the returned client. `tuning`
 * overrides timing options for long-lived connections (a watch's socket timeout and IDLE restarts).
 */
export async function connectImap(
  settings: ImapConnectionSettings,
  options: MailConnectOptions,
  tuning: Pick<ImapFlowOptions, 'socketTimeout' | 'maxIdleTime'> = {},
): Promise<ImapFlow> {
  const { timeoutMs, policy } = options;
  const target = await withTimeout(checkOutboundHost(settings.host, policy), timeoutMs, `Resolving ${settings.host}`);
  const client = new ImapFlow({ ...clientOptions(settings, target, timeoutMs), ...tuning });
  // Failures reach us as rejected commands; without a listener imapflow's 'error' event would crash the process.
  client.on('error', () => undefined);
  // A reset before login with implicit TLS is a failed handshake (e.g. the port does not speak TLS).
  const stage = settings.security === 'tls' ? 'tls' : 'connect';
  try {
    await imapCall(client, client.connect(), timeoutMs, `Connecting to ${settings.host}:${settings.port}`, stage);
  } catch (err) {
    client.close();
    throw err;
  }
  return client;
}

/** Logs out politely if the server answers in time, and drops the connection either way. */
export async function disconnectImap(client: ImapFlow, timeoutMs: number): Promise<void> {
  if (client.usable) {
    await withTimeout(client.logout(), timeoutMs, 'Logging out').catch(() => undefined);
  }
  client.close();
}
