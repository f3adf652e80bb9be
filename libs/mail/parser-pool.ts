import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { MessageParseError } from './parse-message';
import type { ParsedMessage } from './parsed-message';

export interface ParseRequest {
  id: number;
  raw: Uint8Array;
}

export type ParseReply = { id: number; message: ParsedMessage } | { id: number; error: string };

interface Pending {
  resolve: (message: ParsedMessage) => void;
  reject: (error: Error) => void;
}

/** What a parse error's message starts with (MessageParseError's own prefix is added back). */
const PARSE_ERROR_PREFIX = 'Cannot parse message: ';

/**
 * Parses messages on worker threads, so parsing (the largest CPU cost of ingesting mail) runs beside
 * the main thread's IMAP and database work instead of between it. Requests go round-robin; each
 * worker answers in order. A worker that dies fails what it had in hand and is replaced on next use.
 * Attachment contents come back as copies (structured clone), so the raw bytes stay the caller's.
 */
export class ParserPool {
  private readonly workers: (Worker | null)[];
  private readonly pending = new Map<number, Pending & { worker: number }>();
  private nextId = 1;
  private nextWorker = 0;

  constructor(size: number) {
    this.workers = Array.from({ length: Math.max(1, size) }, () => null);
  }

  parse(raw: Buffer): Promise<ParsedMessage> {
    const index = this.nextWorker;
    this.nextWorker = (this.nextWorker + 1) % this.workers.length;
    const worker = this.workers[index] ?? this.start(index);
    const id = this.nextId++;
    return new Promise<ParsedMessage>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker: index });
      worker.postMessage({ id, raw } satisfies ParseRequest);
    });
  }

  async close(): Promise<void> {
    const running = this.workers.filter((worker): worker is Worker => worker !== null);
    this.workers.fill(null);
    await Promise.all(running.map((worker) => worker.terminate()));
  }

  private start(index: number): Worker {
    // A small young generation: the worker's garbage is collected often instead of growing the process's RSS.
    const worker = new Worker(join(__dirname, 'parse-worker.js'), { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    // An idle pool must not keep the process alive.
    worker.unref();
    worker.on('message', (reply: ParseReply) => this.settle(reply));
    const fail = (error: Error) => {
      if (this.workers[index] === worker) this.workers[index] = null;
      for (const [id, pending] of this.pending) {
        if (pending.worker !== index) continue;
        this.pending.delete(id);
        pending.reject(error);
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`The parser worker exited (code ${code})`)));
    this.workers[index] = worker;
    return worker;
  }

  private settle(reply: ParseReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if ('error' in reply) {
      const reason = reply.error.startsWith(PARSE_ERROR_PREFIX)
        ? reply.error.slice(PARSE_ERROR_PREFIX.length)
        : reply.error;
      pending.reject(new MessageParseError(reason));
      return;
    }
    const { message } = reply;
    // Structured clone turns Buffers into plain Uint8Arrays.
    for (const attachment of message.attachments) {
      const bytes = attachment.content as Uint8Array;
      attachment.content = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    pending.resolve(message);
  }
}
