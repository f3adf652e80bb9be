import type { LedgerKeys } from './ledger-keys';
import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import type { MessagePort } from 'node:worker_threads';
import { DeadlineWorkerPool, WorkerDeadlineError } from '../../libs/mail/deadline-worker-pool';
import type { ParsedMessage } from '../../libs/mail/parsed-message';
import { AppConfig } from '../config/app-config';
import { MESSAGE_ID_SECRET } from '../config/message-id-secret';
import { AttachmentStorage } from '../storage/attachment-storage';
import type { ContentRequest, ContentResult, ContentWorkerData, MainSays, WorkerSays } from './content-task';
import type { ContentContext, MessageContent } from './message-content';
import { classifySyncError, SyncError } from './sync-error';

export interface ProcessedMessage {
  message: ParsedMessage;
  content: MessageContent;
}

/**
 * Everything that reads a message's content (parsing, classification, reply stripping, sanitizing)
 * runs here, on SYNC_PARSE_WORKERS content workers under SYNC_MESSAGE_DEADLINE_MS per message: a message
 * that takes longer fails with `processing-timeout` and its worker is replaced, so no message can hold
 * up the main thread (every tenant's requests) or the rest of the run. Failures come as SyncErrors.
 */
@Injectable()
export class MessageProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly pool: DeadlineWorkerPool<ContentRequest, ContentResult>;

  constructor(
    config: AppConfig,
    private readonly storage: AttachmentStorage,
    @Inject(MESSAGE_ID_SECRET) messageIdSecret: string,
  ) {
    const { parseWorkers, messageDeadlineMs, limits, testWorkerHook } = config.sync;
    this.pool = new DeadlineWorkerPool({
      script: join(__dirname, 'content-worker.js'),
      size: parseWorkers,
      deadlineMs: messageDeadlineMs,
      workerData: { messageIdSecret, limits, testHook: testWorkerHook } satisfies ContentWorkerData,
    });
  }

  /** A message held in memory. The raw bytes are copied to the worker and stay the caller's. */
  async process(raw: Buffer, context: ContentContext): Promise<ProcessedMessage> {
    return processed(await this.attempt(this.pool.run({ kind: 'message', raw, context })));
  }

  /** The ledger key of a message in storage, from its header block, before anything of it is streamed. */
  async keyOfLarge(rawKey: string, header: Buffer): Promise<LedgerKeys> {
    const result = await this.attempt(this.pool.run({ kind: 'large-key', rawKey, header }));
    if (result.kind === 'key') return result.keys;
    throw failure(result);
  }

  /**
   * A message in storage under `rawKey`, streamed through a worker: its bytes are read from storage as
   * the worker asks for them, and each attachment goes back into storage as the worker decodes it.
   */
  async processLarge(rawKey: string, header: Buffer, context: ContentContext): Promise<ProcessedMessage> {
    const talk = new LargeMessageTalk(this.storage, rawKey);
    try {
      const request = { kind: 'large' as const, rawKey, header, context };
      return processed(await this.attempt(this.pool.run(request, (port) => talk.start(port))));
    } finally {
      talk.stop();
    }
  }

  /** Every sync needs the workers: they start with the service, not in the middle of its first run. */
  onApplicationBootstrap(): void {
    this.pool.warm();
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.close();
  }

  private async attempt(running: Promise<ContentResult>): Promise<ContentResult> {
    try {
      return await running;
    } catch (error) {
      if (error instanceof WorkerDeadlineError) {
        throw new SyncError('processing-timeout', `Processing the message took too long: ${error.message}`);
      }
      throw classifySyncError(error);
    }
  }
}

function failure(result: ContentResult): SyncError {
  return result.kind === 'failed'
    ? new SyncError(result.failure, result.reason)
    : new SyncError('internal', `Unexpected answer from a content worker: ${result.kind}`);
}

function processed(result: ContentResult): ProcessedMessage {
  if (result.kind !== 'processed') throw failure(result);
  const { message, content } = result;
  // Structured clone turns Buffers into plain Uint8Arrays.
  for (const attachment of message.attachments) {
    const bytes = attachment.content as Uint8Array;
    attachment.content = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  return { message, content };
}

/** The main thread's end of a large-message task (see WorkerSays in content-task.ts). */
class LargeMessageTalk {
  private source: AsyncIterator<Buffer> | null = null;
  private readonly parts = new Map<number, { stream: PassThrough; stored: Promise<{ key: string; size: number }> }>();
  private readonly opened: Readable[] = [];

  constructor(
    private readonly storage: AttachmentStorage,
    private readonly rawKey: string,
  ) {}

  start(port: MessagePort): void {
    const say = (message: MainSays) => port.postMessage(message);
    port.on('message', (message: WorkerSays) => {
      this.hear(message, say).catch(() => undefined);
    });
  }

  /** Ends whatever the task left open: a worker stopped on its deadline leaves a part half-sent. */
  stop(): void {
    for (const { stream } of this.parts.values()) stream.destroy(new Error('The message was not processed to the end'));
    for (const stream of this.opened) stream.destroy();
  }

  private async hear(message: WorkerSays, say: (message: MainSays) => void): Promise<void> {
    if (message.op === 'pull') {
      const next = await (await this.reader()).next();
      say({ op: 'chunk', data: next.done ? null : new Uint8Array(next.value) });
    } else if (message.op === 'part-start') {
      const stream = new PassThrough();
      const stored = this.storage.put(stream);
      // Not left unhandled if the task ends first; the result is awaited at part-end.
      stored.catch(() => undefined);
      this.parts.set(message.part, { stream, stored });
    } else if (message.op === 'part-data') {
      const stream = this.parts.get(message.part)?.stream;
      if (!stream) return;
      const ready = () => say({ op: 'part-ready', part: message.part });
      const data = Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength);
      if (stream.write(data)) ready();
      else stream.once('drain', ready);
    } else {
      const part = this.parts.get(message.part);
      if (!part) return;
      part.stream.end();
      try {
        const where = await part.stored;
        this.parts.delete(message.part);
        say({ op: 'stored', part: message.part, ...where });
      } catch (error) {
        this.parts.delete(message.part);
        say({ op: 'store-failed', part: message.part, reason: (error as Error).message });
      }
    }
  }

  private async reader(): Promise<AsyncIterator<Buffer>> {
    if (!this.source) {
      const stream = await this.storage.get(this.rawKey);
      this.opened.push(stream);
      this.source = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    }
    return this.source;
  }
}
