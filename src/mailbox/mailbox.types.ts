import type { Readable } from 'node:stream';
import type { MailConnectOptions } from '../common/net/mail-connect-options';
import type { MailboxWatch, MailboxWatchOptions } from './mailbox-watch';
import type { ImapConnectionSettings } from './imap-settings';

export interface ConnectionTestResult {
  /** The folder as the server names it. */
  folder: string;
  messages: number;
  /** IMAP UIDVALIDITY; a string because it is a 32-bit unsigned number kept as bigint by imapflow. */
  uidValidity: string;
}

export interface FolderState {
  uidValidity: string;
  uidNext: number;
  exists: number;
}

export interface MessageRef {
  uid: number;
  size: number;
}

export interface FetchedMessage extends MessageRef {
  source: Buffer;
  /** When the server received it (IMAP INTERNALDATE); null if the server did not say. */
  arrivedAt: Date | null;
}

export interface FetchedHeaders extends MessageRef {
  /** The raw header block, ending with its blank line. */
  headers: Buffer;
  /** When the server received it (IMAP INTERNALDATE); null if the server did not say. */
  arrivedAt: Date | null;
}

/**
 * One open connection with the folder selected. Calls run one at a time; while a `fetchSources`
 * iteration is open, finish or break it before calling anything else. Every call either settles
 * within the step timeout or throws a MailConnectionError.
 */
export interface MailboxSession {
  /** Fresh from the server (STATUS), not what was seen when the folder was opened. */
  folderState(): Promise<FolderState>;
  /** UIDs with an internal date on or after the UTC calendar day of `date` (IMAP SINCE has day precision). */
  searchUidsSince(date: Date): Promise<number[]>;
  /** Every UID above `fromUidExclusive`, ascending, as the folder is now (mail that just arrived included). */
  uidsAbove(fromUidExclusive: number): Promise<number[]>;
  /** UIDs from `fromUid` to `toUid` (inclusive) of messages over `bytes` (IMAP SEARCH LARGER), ascending. */
  uidsLargerThan(fromUid: number, toUid: number, bytes: number): Promise<number[]>;
  /** The sizes (RFC822.SIZE) of these messages, ascending by UID. Vanished UIDs are skipped. */
  sizesOf(uids: number[]): Promise<MessageRef[]>;
  /** Full raw messages, ascending by UID; reading them does not mark them \Seen. Vanished UIDs are skipped. */
  fetchSources(uids: number[]): AsyncIterable<FetchedMessage>;
  /**
   * One raw message as a stream, downloaded in chunks, for messages too large to hold in memory
   * (reading does not mark it \\Seen); null when it vanished. Read it to the end (or destroy it)
   * before calling anything else; it fails with a MailConnectionError when the server stalls.
   */
  downloadSource(uid: number): Promise<Readable | null>;
  /** Just the header blocks (BODY.PEEK[HEADER]), for messages too large to download whole. */
  fetchHeaders(uids: number[]): Promise<FetchedHeaders[]>;
  /** UIDs whose header `name` contains `value` (IMAP HEADER search: substring, case-insensitive). */
  findByHeader(name: string, value: string): Promise<number[]>;
  markSeen(uids: number[]): Promise<void>;
  /** Logs out; safe to call twice and after a failure. */
  close(): Promise<void>;
}

export interface MailboxDriver {
  /** Connects, logs in, opens the folder read-only and logs out. */
  testConnection(settings: ImapConnectionSettings, options: MailConnectOptions): Promise<ConnectionTestResult>;
  openSession(settings: ImapConnectionSettings, options: MailConnectOptions): Promise<MailboxSession>;
  /** A long-lived connection that reports changes to the folder (IMAP IDLE, or polling without it). */
  openWatch(
    settings: ImapConnectionSettings,
    options: MailConnectOptions,
    watch: MailboxWatchOptions,
  ): Promise<MailboxWatch>;
}
