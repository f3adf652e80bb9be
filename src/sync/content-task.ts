import type { LedgerKeys } from './ledger-keys';
import type { MessageLimits } from '../../libs/mail/message-limits';
import type { ParsedMessage } from '../../libs/mail/parsed-message';
import type { ContentContext, MessageContent } from './message-content';

/** What every content worker is started with. */
export interface ContentWorkerData {
  messageIdSecret: string;
  limits: MessageLimits;
  /** Test-only module (SYNC_TEST_WORKER_HOOK, NODE_ENV=test only); null in production. */
  testHook: string | null;
}

/**
 * One message to process: held in memory (`raw`), or streamed from storage through the task's port
 * (`rawKey`: see LargeMessageTalk) with its attachments streamed back into storage the same way.
 */
export type ContentRequest =
  | { kind: 'message'; raw: Uint8Array; context: ContentContext }
  | { kind: 'large'; rawKey: string; header: Uint8Array; context: ContentContext }
  | { kind: 'large-key'; rawKey: string; header: Uint8Array };

/** A processed message, a large message's ledger key (read from its header block alone), or why neither. */
export type ContentResult =
  | { kind: 'processed'; message: ParsedMessage; content: MessageContent }
  | { kind: 'key'; keys: LedgerKeys }
  | { kind: 'failed'; failure: 'parse' | 'over-limit'; reason: string };

/**
 * The conversation of a large-message task. The worker pulls the raw bytes a chunk at a time, and sends
 * each attachment's bytes as they are decoded, a chunk at a time (the next once the main thread is ready
 * for it, so a fast worker cannot pile a whole attachment up in memory); the main thread stores them and
 * answers with where.
 */
export type WorkerSays =
  | { op: 'pull' }
  | { op: 'part-start'; part: number }
  | { op: 'part-data'; part: number; data: Uint8Array }
  | { op: 'part-end'; part: number };

export type MainSays =
  | { op: 'chunk'; data: Uint8Array | null }
  /** The part's last chunk is written (or buffered below the stream's mark): send the next. */
  | { op: 'part-ready'; part: number }
  | { op: 'stored'; part: number; key: string; size: number }
  | { op: 'store-failed'; part: number; reason: string };

/** The module a test may load into workers: called with each message's raw bytes before processing. */
export interface ContentTestHook {
  beforeProcessing(raw: Buffer): void;
}
