import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describeCorpus, listCorpusMessages, readCorpusFile } from '../../test/support/corpus';
import { caseRandom, mutateMessage } from '../../test/support/mail-mutations';
import { detectAutoReply } from './auto-reply';
import { detectBounce } from './bounce';
import { sanitizeEmailHtml } from './html';
import { parseLargeMessage } from './parse-large-message';
import { MessageParseError, parseMessage } from './parse-message';
import type { ParsedMessage } from './parsed-message';
import { stripHtmlReply, stripReply } from './reply-stripping';
import { extractReferencedIds, findSubjectTokens, normaliseSubject } from './thread-keys';

/**
 * Fuzzing the parse path (#17 item 7): real corpus messages, mutated the ways mail breaks, go
 * through parseMessage and every libs step a sync takes after it (bounce and auto-reply detection,
 * reply stripping, HTML sanitising, thread keys). Each case must end in a message of the promised
 * shape or a clean MessageParseError: never another error, never a hang (a chunk that does not
 * finish fails on the runner's timeout), and the heap must not grow over the run.
 *
 * FUZZ_SEED and FUZZ_CASES choose the cases (`npm run fuzz` runs many more); FUZZ_ONLY=<index>
 * reruns one case. A failure names the seed and the case index.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 17);
const CASES = Number(process.env.FUZZ_CASES ?? 2000);
const ONLY = process.env.FUZZ_ONLY === undefined ? null : Number(process.env.FUZZ_ONLY);
for (const [name, value] of Object.entries({ FUZZ_SEED: SEED, FUZZ_CASES: CASES, FUZZ_ONLY: ONLY ?? 0 })) {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a whole number, not ${value}`);
}
const CHUNK = 100;
/** A chunk of 100 cases takes a few seconds; this only catches a case that never ends. */
const CHUNK_TIMEOUT_MS = 120_000;
/** Every few cases also go through the streaming parser that large messages take. */
const LARGE_PATH_EVERY = 8;
/** The heap may hold caches and fragmentation after thousands of cases, but not what they parsed. */
const HEAP_GROWTH_LIMIT_BYTES = 128 * 1024 * 1024;

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

async function sink(content: Readable): Promise<{ key: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of content) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { key: hash.digest('hex'), size };
}

/** The invariants a ticket is built on; see ParsedMessage. */
function expectUsableMessage(message: ParsedMessage, fromStream: boolean): void {
  expect(typeof message.subject).toBe('string');
  expect(message.subject).not.toMatch(/[\r\n]/);
  if (message.messageId !== null) expect(message.messageId).not.toMatch(/[<>\s]/);
  for (const address of [message.from, ...message.to, ...message.cc, ...message.replyTo]) {
    if (address) expect(address.address.length > 0 && address.address === address.address.toLowerCase()).toBe(true);
  }
  expect(message.date === null || !Number.isNaN(message.date.getTime())).toBe(true);
  for (const values of Object.values(message.headers)) expect(values.every((v) => typeof v === 'string')).toBe(true);
  for (const attachment of message.attachments) {
    expect(attachment.filename.trim()).not.toBe('');
    expect(attachment.filename).not.toMatch(/[/\\\u0000-\u001f]/);
    expect(attachment.contentType).toMatch(/^[^A-Z\s;]+$/);
    if (!fromStream) expect(attachment.size).toBe(attachment.content.length);
  }
  expect(message.contentHash).toMatch(/^[0-9a-f]{64}$/);
}

/** Everything the sync does with a parsed message in libs/, each result checked for its type. */
function expectLibsStepsHandle(message: ParsedMessage, raw: Buffer): void {
  const bounce = detectBounce(message, raw);
  expect(bounce === null || typeof bounce.reason === 'string').toBe(true);
  const autoReply = detectAutoReply(message);
  expect(autoReply === null || typeof autoReply.reason === 'string').toBe(true);
  if (message.text !== null) expect(typeof stripReply(message.text).visible).toBe('string');
  if (message.html !== null) {
    expect(typeof stripHtmlReply(message.html).visible).toBe('string');
    expect(typeof sanitizeEmailHtml(message.html)).toBe('string');
  }
  expect(Array.isArray(findSubjectTokens(message.subject))).toBe(true);
  expect(typeof normaliseSubject(message.subject)).toBe('string');
  expect(Array.isArray(extractReferencedIds(message))).toBe(true);
}

/** The outcome of one parse: a usable message or a clean parse error; anything else is thrown. */
async function outcomeOf(parse: () => Promise<ParsedMessage>, raw: Buffer, fromStream: boolean): Promise<string> {
  let message: ParsedMessage;
  try {
    message = await parse();
  } catch (error) {
    if (error instanceof MessageParseError) return 'parse-error';
    throw error;
  }
  expectUsableMessage(message, fromStream);
  expectLibsStepsHandle(message, raw);
  return 'parsed';
}

describeCorpus(`the parse path on mutated corpus messages (FUZZ_SEED=${SEED}, ${CASES} cases)`, () => {
  const bases = listCorpusMessages().map((entry) => ({ path: entry.path, raw: readCorpusFile(entry.path) }));
  const outcomes = new Map<string, number>();
  let heapBefore = 0;

  beforeAll(() => {
    heapBefore = heapAfterGc();
  });

  async function runCase(index: number): Promise<void> {
    const random = caseRandom(SEED, index);
    const base = random.pick(bases);
    const { raw, applied } = mutateMessage(base.raw, random);
    try {
      const outcome = await outcomeOf(() => parseMessage(raw), raw, false);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      if (index % LARGE_PATH_EVERY === 0) {
        await outcomeOf(() => parseLargeMessage(Readable.from([raw]), 'raw-key', sink), raw, true);
      }
    } catch (error) {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      throw new Error(
        `Fuzz case failed: FUZZ_SEED=${SEED} case ${index} (base ${base.path}, mutations ${applied.join(', ')}). ` +
          `Rerun it alone with FUZZ_SEED=${SEED} FUZZ_ONLY=${index}.\n${detail}`,
      );
    }
  }

  const indexes = ONLY === null ? Array.from({ length: CASES }, (_, index) => index) : [ONLY];
  for (let first = 0; first < indexes.length; first += CHUNK) {
    const chunk = indexes.slice(first, first + CHUNK);
    it(
      `cases ${chunk[0]}–${chunk[chunk.length - 1]} end in a usable message or a clean parse error`,
      async () => {
        for (const index of chunk) await runCase(index);
      },
      CHUNK_TIMEOUT_MS,
    );
  }

  it('always has an outcome, and the heap does not keep what the cases parsed', () => {
    const counted = [...outcomes.values()].reduce((sum, count) => sum + count, 0);
    expect(counted).toBe(indexes.length);
    expect(heapAfterGc() - heapBefore).toBeLessThan(HEAP_GROWTH_LIMIT_BYTES);
  });
});
