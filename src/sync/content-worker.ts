/**
 * Content worker entry (run by MessageProcessor's DeadlineWorkerPool): parses a message, classifies it,
 * strips its reply and sanitizes its HTML, all off the main thread and under the pool's deadline.
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import { MessageOverLimitError } from '../../libs/mail/message-limits';
import { largeMessageHash, parseLargeMessage } from '../../libs/mail/parse-large-message';
import { MessageParseError, parseMessage } from '../../libs/mail/parse-message';
import { serveTasks } from '../../libs/mail/serve-tasks';
import type { ContentRequest, ContentResult, ContentTestHook, ContentWorkerData } from './content-task';
import { streamFromMain } from './content-worker-streams';
import { describeContent } from './message-content';
import { ledgerKeysOf } from './ledger-keys';

const { messageIdSecret, limits, testHook } = workerData as ContentWorkerData;
// A path known only at run time, and only in tests (SYNC_TEST_WORKER_HOOK is refused outside NODE_ENV=test).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hook = testHook ? (require(testHook) as ContentTestHook) : null;

serveTasks<ContentRequest, ContentResult>(async (request, port: MessagePort) => {
  try {
    return await handle(request, port);
  } catch (error) {
    if (error instanceof MessageOverLimitError) return { kind: 'failed', failure: 'over-limit', reason: error.message };
    if (error instanceof MessageParseError) return { kind: 'failed', failure: 'parse', reason: error.message };
    throw error;
  }
});

async function handle(request: ContentRequest, port: MessagePort): Promise<ContentResult> {
  if (request.kind === 'large-key') {
    // The same key parseLargeMessage's result gives, from the header block alone: nothing is streamed.
    const header = toBuffer(request.header);
    const { messageId } = await parseMessage(header, limits);
    return { kind: 'key', keys: ledgerKeysOf({ messageId, contentHash: largeMessageHash(header, request.rawKey) }) };
  }
  // A streamed message is classified by its header block (its raw bytes are not all in memory).
  const raw = toBuffer(request.kind === 'message' ? request.raw : request.header);
  hook?.beforeProcessing(raw);
  let message;
  if (request.kind === 'message') {
    message = await parseMessage(raw, limits);
  } else {
    const { input, store } = streamFromMain(port);
    message = await parseLargeMessage(input, request.rawKey, store, limits);
  }
  return { kind: 'processed', message, content: describeContent(message, raw, request.context, messageIdSecret) };
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
