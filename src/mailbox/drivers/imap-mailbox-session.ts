import type { ImapFlow, SearchObject } from 'imapflow';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MailConnectionError } from '../../common/net/mail-connection-error';
import { connectionEnded, connectionLost, disconnectImap, imapCall, noAnswer } from './imap-client';
import type { FetchedHeaders, FetchedMessage, FolderState, MailboxSession, MessageRef } from '../mailbox.types';
import { toUidSet } from './uid-set';

/** UIDs per FETCH command: keeps command lines short without a round trip per message. */
const FETCH_BATCH = 200;

/** Bytes per partial FETCH of a streamed download: few round trips, little memory. */
const DOWNLOAD_CHUNK_BYTES = 1024 * 1024;

/**
 * The stream, failing with `stalled()` when no data arrives for `timeoutMs` while it is being read
 * (the per-call timeout, applied to each chunk, so a slow but steady download is not cut off).
 */
function stallGuard(source: Readable, timeoutMs: number, stalled: () => Error): Readable {
  const guarded = new PassThrough();
  let timer: NodeJS.Timeout | null = null;
  const arm = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => guarded.destroy(stalled()), timeoutMs);
  };
  source.on('data', arm);
  arm();
  pipeline(source, guarded).catch((error: unknown) => guarded.destroy(error as Error));
  guarded.once('close', () => {
    if (timer) clearTimeout(timer);
    source.destroy();
  });
  return guarded;
}

/** imapflow-backed MailboxSession over one connection with the folder selected read-write. */
export class ImapMailboxSession implements MailboxSession {
  private closed = false;
  /** True while a fetchSources iteration is open: imapflow cannot run other commands until it ends. */
  private fetching = false;

  constructor(
    private readonly client: ImapFlow,
    private readonly folder: string,
    private readonly timeoutMs: number,
  ) {}

  async folderState(): Promise<FolderState> {
    this.assertReady();
    await this.refresh();
    const status = await this.call(
      this.client.status(this.folder, { uidNext: true, uidValidity: true, messages: true }),
      'Reading folder status',
    );
    if (!status || status.uidValidity === undefined || status.uidNext === undefined) {
      throw noAnswer(this.client, `The server did not report the status of ${this.folder}`);
    }
    return { uidValidity: status.uidValidity.toString(), uidNext: status.uidNext, exists: status.messages ?? 0 };
  }

  searchUidsSince(date: Date): Promise<number[]> {
    return this.search({ since: date }, 'Searching by date');
  }

  async uidsAbove(fromUidExclusive: number): Promise<number[]> {
    // "N:*" always matches the highest UID, even when it is below N, hence the filter.
    const found = await this.search({ uid: `${fromUidExclusive + 1}:*` }, 'Listing new messages');
    return found.filter((uid) => uid > fromUidExclusive);
  }

  uidsLargerThan(fromUid: number, toUid: number, bytes: number): Promise<number[]> {
    // Sizes never change, and mail that arrives now is past `toUid`: no need to look for new mail first.
    return this.search({ uid: `${fromUid}:${toUid}`, larger: bytes }, 'Listing large messages', false);
  }

  async sizesOf(uids: number[]): Promise<MessageRef[]> {
    if (uids.length === 0) return [];
    this.assertReady();
    const messages = await this.call(
      this.client.fetchAll(toUidSet(uids), { uid: true, size: true }, { uid: true }),
      'Reading message sizes',
    );
    return messages.map((message) => ({ uid: message.uid, size: message.size ?? 0 })).sort((a, b) => a.uid - b.uid);
  }

  async *fetchSources(uids: number[]): AsyncGenerator<FetchedMessage> {
    this.assertReady();
    const sorted = [...new Set(uids)].sort((a, b) => a - b);
    this.fetching = true;
    try {
      for (let start = 0; start < sorted.length; start += FETCH_BATCH) {
        yield* this.fetchBatch(sorted.slice(start, start + FETCH_BATCH));
      }
    } finally {
      this.fetching = false;
    }
  }

  async downloadSource(uid: number): Promise<Readable | null> {
    this.assertReady();
    const download = await this.call(
      this.client.download(String(uid), undefined, { uid: true, chunkSize: DOWNLOAD_CHUNK_BYTES }),
      'Downloading a large message',
    );
    if (!download?.content) return null;
    return stallGuard(download.content, this.timeoutMs, () => {
      this.client.close();
      return new MailConnectionError('timeout', 'Downloading a large message: the server stopped sending');
    });
  }

  async fetchHeaders(uids: number[]): Promise<FetchedHeaders[]> {
    if (uids.length === 0) return [];
    this.assertReady();
    const messages = await this.call(
      this.client.fetchAll(toUidSet(uids), { uid: true, size: true, headers: true, internalDate: true }, { uid: true }),
      'Reading message headers',
    );
    return messages
      .map((message) => ({
        uid: message.uid,
        size: message.size ?? 0,
        headers: message.headers ?? Buffer.alloc(0),
        arrivedAt: arrivalOf(message.internalDate),
      }))
      .sort((a, b) => a.uid - b.uid);
  }

  findByHeader(name: string, value: string): Promise<number[]> {
    return this.search({ header: { [name]: value } }, `Searching by ${name}`);
  }

  async markSeen(uids: number[]): Promise<void> {
    if (uids.length === 0) return;
    this.assertReady();
    const stored = await this.call(
      this.client.messageFlagsAdd(toUidSet(uids), ['\\Seen'], { uid: true }),
      'Marking messages as seen',
    );
    if (!stored) throw noAnswer(this.client, 'The server refused to mark the messages as seen');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await disconnectImap(this.client, this.timeoutMs);
  }

  private async *fetchBatch(uids: number[]): AsyncGenerator<FetchedMessage> {
    // source: true is BODY.PEEK[], which leaves \Seen alone (BODY[] would set it). INTERNALDATE is when the
    // server received the message: where the mail-to-ticket latency is measured from.
    const query = { uid: true, size: true, source: true, internalDate: true };
    const messages = this.client.fetch(toUidSet(uids), query, { uid: true });
    try {
      while (true) {
        // Bounded per message rather than per batch, so a slow but steady download is not cut off.
        const next = await this.call(messages.next(), 'Downloading messages');
        if (next.done) return;
        const { uid, size, source, internalDate } = next.value;
        if (source) yield { uid, size: size ?? source.length, source, arrivedAt: arrivalOf(internalDate) };
      }
    } finally {
      // Ends imapflow's iteration when the caller stops early; not awaited, since after a timeout the
      // generator may never settle (the connection is already closed by then).
      messages.return(undefined).catch(() => undefined);
    }
  }

  private async search(query: SearchObject, what: string, refresh = true): Promise<number[]> {
    this.assertReady();
    if (refresh) await this.refresh();
    const result = await this.call(this.client.search(query, { uid: true }), what);
    // imapflow answers undefined instead of failing when the connection dropped (no mailbox selected).
    if (result === undefined) throw connectionLost(this.client);
    // imapflow answers false for a refused search, and also when the server said BYE before it went out.
    if (result === false) throw noAnswer(this.client, `${what}: the server rejected the search`);
    return [...result].sort((a, b) => a - b);
  }

  /**
   * Dovecot only tells a session about new mail in its selected folder on NOOP (or IDLE): SEARCH misses
   * it and STATUS repeats the session's old numbers until then.
   */
  private async refresh(): Promise<void> {
    await this.call(this.client.noop(), 'Checking for new mail');
  }

  private call<T>(work: Promise<T>, what: string): Promise<T> {
    return imapCall(this.client, work, this.timeoutMs, what);
  }

  private assertReady(): void {
    if (this.fetching) {
      // imapflow would queue the command behind the open FETCH, which waits for this caller: a deadlock.
      throw new Error('Finish or break the fetchSources() iteration before using the session again');
    }
    if (this.closed || connectionEnded(this.client)) throw connectionLost(this.client);
  }
}

/** imapflow gives INTERNALDATE as a Date, or as the server's string when it could not parse it. */
function arrivalOf(internalDate: Date | string | undefined): Date | null {
  if (internalDate === undefined) return null;
  const date = internalDate instanceof Date ? internalDate : new Date(internalDate);
  return Number.isNaN(date.getTime()) ? null : date;
}
