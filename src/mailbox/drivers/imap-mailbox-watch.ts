import type { ImapFlow, MailboxObject } from 'imapflow';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MailConnectOptions } from '../../common/net/mail-connect-options';
import { classifyMailError, type MailConnectionError } from '../../common/net/mail-connection-error';
import {
  MailboxThrottledError,
  type MailboxWatch,
  type MailboxWatchEvent,
  type MailboxWatchOptions,
} from '../mailbox-watch';
import { connectImap, disconnectImap, imapCall, noAnswer } from './imap-client';
import type { ImapConnectionSettings } from '../imap-settings';

/**
 * A quiet watch socket is probed with a NOOP after this long, and dropped when the NOOP is not
 * answered by the next timeout: a half-open connection is noticed within twice this (2 minutes).
 */
const WATCH_SOCKET_TIMEOUT_MS = 60_000;
/** An IDLE that ends at once (refused, connection in a strange state) is not re-issued in a tight loop. */
const MIN_IDLE_SPACING_MS = 1_000;

/** The throttling imapflow recognized (ETHROTTLE, with the server's suggested wait), if that is what this is. */
function throttling(err: unknown): MailboxThrottledError | null {
  for (let layer = err; layer && typeof layer === 'object'; layer = (layer as { cause?: unknown }).cause) {
    const record = layer as { code?: unknown; throttleReset?: unknown; message?: unknown };
    if (record.code === 'ETHROTTLE') {
      const wait = typeof record.throttleReset === 'number' ? record.throttleReset : 60_000;
      return new MailboxThrottledError(String(record.message ?? 'Throttled by the server'), wait, { cause: err });
    }
  }
  return null;
}

function classifyWatchError(err: unknown): MailConnectionError {
  return throttling(err) ?? classifyMailError(err, 'command');
}

/** A MailboxWatch over one imapflow connection with the folder EXAMINEd (read-only: it changes nothing). */
class ImapMailboxWatch implements MailboxWatch {
  readonly idleSupported: boolean;
  private readonly listeners: ((event: MailboxWatchEvent) => void)[] = [];
  private closing = false;
  private ended = false;
  private failure: MailConnectionError | null = null;
  private pollTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly client: ImapFlow,
    public uidValidity: string,
    private readonly options: MailboxWatchOptions,
    private readonly timeoutMs: number,
  ) {
    this.idleSupported = client.capabilities.has('IDLE');
    client.on('exists', (event: { count: number }) => this.emit({ type: 'exists', count: event.count }));
    client.on('expunge', () => this.emit({ type: 'expunge' }));
    client.on('mailboxOpen', (mailbox: MailboxObject) => {
      const uidValidity = mailbox.uidValidity.toString();
      if (uidValidity === this.uidValidity) return;
      this.uidValidity = uidValidity;
      this.emit({ type: 'uidvalidity', uidValidity });
    });
    client.on('error', (err: unknown) => {
      this.failure ??= classifyWatchError(err);
    });
    client.on('close', () => this.end());
  }

  onEvent(listener: (event: MailboxWatchEvent) => void): void {
    this.listeners.push(listener);
  }

  start(): void {
    if (this.idleSupported) void this.idleLoop();
    else this.schedulePoll();
  }

  async close(): Promise<void> {
    if (this.closing || this.ended) return;
    this.closing = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    await disconnectImap(this.client, this.timeoutMs);
    this.end();
  }

  /**
   * IDLE until the connection ends. imapflow re-issues it every `maxIdleMs` by itself and returns only
   * when something broke it (e.g. the keepalive NOOP after a quiet socket), so it is simply entered again.
   */
  private async idleLoop(): Promise<void> {
    while (!this.closing && !this.ended && this.client.usable) {
      const started = Date.now();
      try {
        await this.client.idle();
      } catch (err) {
        this.failure ??= classifyWatchError(err);
      }
      const spent = Date.now() - started;
      if (spent < MIN_IDLE_SPACING_MS) await sleep(MIN_IDLE_SPACING_MS - spent, undefined, { ref: false });
    }
  }

  /** Without IDLE, a NOOP per interval makes the server send what changed (EXISTS, EXPUNGE). */
  private schedulePoll(): void {
    this.pollTimer = setTimeout(() => {
      imapCall(this.client, this.client.noop(), this.timeoutMs, 'Polling the folder')
        .then(() => {
          if (!this.closing && !this.ended) this.schedulePoll();
        })
        .catch((err: unknown) => {
          this.failure ??= classifyWatchError(err);
          this.client.close();
        });
    }, this.options.pollIntervalMs);
    this.pollTimer.unref();
  }

  private emit(event: MailboxWatchEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.emit({ type: 'closed', error: this.closing ? null : this.failure });
  }
}

/**
 * Connects, logs in and EXAMINEs the folder for a long-lived watch. A login the server throttles comes
 * out as a MailboxThrottledError; every other failure as the usual MailConnectionError.
 */
export async function openImapWatch(
  settings: ImapConnectionSettings,
  options: MailConnectOptions,
  watch: MailboxWatchOptions,
): Promise<MailboxWatch> {
  let client: ImapFlow;
  try {
    client = await connectImap(settings, options, {
      socketTimeout: WATCH_SOCKET_TIMEOUT_MS,
      maxIdleTime: watch.maxIdleMs,
    });
  } catch (err) {
    throw throttling(err) ?? err;
  }
  let mailbox: MailboxObject | false | undefined;
  try {
    const opening = client.mailboxOpen(settings.folder, { readOnly: true });
    mailbox = await imapCall(client, opening, options.timeoutMs, `Opening folder ${settings.folder}`, 'folder');
    if (!mailbox) throw noAnswer(client, `The server did not open the folder ${settings.folder}`);
  } catch (err) {
    await disconnectImap(client, options.timeoutMs);
    throw throttling(err) ?? err;
  }
  const session = new ImapMailboxWatch(client, mailbox.uidValidity.toString(), watch, options.timeoutMs);
  session.start();
  return session;
}
