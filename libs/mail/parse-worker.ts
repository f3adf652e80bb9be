/**
 * Worker-thread entry of ParserPool: parses each raw message it is sent and posts the result (or the
 * parse error's message) back with the request's id. Requests are handled one at a time, in order.
 */
import { parentPort } from 'node:worker_threads';
import { parseMessage } from './parse-message';
import type { ParseReply, ParseRequest } from './parser-pool';

const port = parentPort;
if (!port) throw new Error('parse-worker must run as a worker thread');

port.on('message', ({ id, raw }: ParseRequest) => {
  parseMessage(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)).then(
    (message) => port.postMessage({ id, message } satisfies ParseReply),
    (error: unknown) =>
      port.postMessage({ id, error: error instanceof Error ? error.message : String(error) } satisfies ParseReply),
  );
});
