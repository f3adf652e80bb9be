import { Readable } from 'node:stream';
import type { MessagePort } from 'node:worker_threads';
import type { ContentSink } from '../../libs/mail/parse-large-message';
import type { MainSays, WorkerSays } from './content-task';

/**
 * The worker's end of a large-message task (see WorkerSays): the raw bytes as a stream pulled from the
 * main thread, which reads them from storage, and a sink that sends each attachment to the main thread,
 * which stores it. Only one pull is outstanding at a time, so the worker holds one chunk, not the message.
 */
export function streamFromMain(port: MessagePort): { input: Readable; store: ContentSink } {
  let pulled: ((data: Uint8Array | null) => void) | null = null;
  const ready = new Map<number, () => void>();
  const stored = new Map<
    number,
    { resolve: (where: { key: string; size: number }) => void; reject: (e: Error) => void }
  >();
  const say = (message: WorkerSays) => port.postMessage(message);
  port.on('message', (message: MainSays) => {
    if (message.op === 'chunk') {
      const settle = pulled;
      pulled = null;
      settle?.(message.data);
      return;
    }
    if (message.op === 'part-ready') {
      const next = ready.get(message.part);
      ready.delete(message.part);
      next?.();
      return;
    }
    const waiting = stored.get(message.part);
    stored.delete(message.part);
    if (message.op === 'stored') waiting?.resolve({ key: message.key, size: message.size });
    else waiting?.reject(new Error(message.reason));
  });
  const input = new Readable({
    read() {
      new Promise<Uint8Array | null>((resolve) => {
        pulled = resolve;
        say({ op: 'pull' });
      }).then((data) => this.push(data ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : null));
    },
  });
  let nextPart = 0;
  const store: ContentSink = async (content) => {
    const part = nextPart++;
    const where = new Promise<{ key: string; size: number }>((resolve, reject) =>
      stored.set(part, { resolve, reject }),
    );
    say({ op: 'part-start', part });
    for await (const chunk of content) {
      const written = new Promise<void>((resolve) => ready.set(part, resolve));
      say({ op: 'part-data', part, data: new Uint8Array(chunk as Buffer) });
      await written;
    }
    say({ op: 'part-end', part });
    return where;
  };
  return { input, store };
}
