import { itCorpus, listCorpusMessages, readCorpusFile } from '../../test/support/corpus';
import { MessageParseError, parseMessage } from './parse-message';
import { ParserPool } from './parser-pool';

describe('ParserPool (parsing on worker threads)', () => {
  let pool: ParserPool;

  beforeEach(() => {
    pool = new ParserPool(2);
  });
  afterEach(() => pool.close());

  itCorpus(
    'gives, for every corpus message, exactly what parsing on the main thread gives, attachments as Buffers',
    async () => {
      const messages = listCorpusMessages();
      expect(messages.length).toBeGreaterThan(300);
      const raws = messages.map(({ path }) => readCorpusFile(path));
      // All at once: answers are matched to their requests whatever order the workers finish in.
      const pooled = await Promise.all(raws.map((raw) => pool.parse(raw).catch((error: unknown) => error)));
      for (const [index, raw] of raws.entries()) {
        const direct = await parseMessage(raw).catch((error: unknown) => error);
        expect({ path: messages[index].path, parsed: pooled[index] }).toEqual({
          path: messages[index].path,
          parsed: direct,
        });
        if (direct instanceof Error) continue;
        for (const attachment of (pooled[index] as Awaited<ReturnType<typeof parseMessage>>).attachments) {
          expect(Buffer.isBuffer(attachment.content)).toBe(true);
        }
      }
    },
  );

  it('rejects an unreadable message with a MessageParseError carrying the reason', async () => {
    // A header block over mailparser's 1 MB limit.
    const unreadable = Buffer.from(`Subject: ${'x'.repeat(2 * 1024 * 1024)}\r\n\r\nbody\r\n`);
    const direct = await parseMessage(unreadable).catch((error: unknown) => error);
    const pooled = await pool.parse(unreadable).catch((error: unknown) => error);
    expect(direct).toBeInstanceOf(MessageParseError);
    expect(pooled).toBeInstanceOf(MessageParseError);
    expect((pooled as Error).message).toBe((direct as Error).message);
  });

  it('fails what a dying worker had in hand, then parses on a new one', async () => {
    const raw = Buffer.from('From: a@example.test\r\nSubject: hello\r\n\r\nbody\r\n');
    const inHand = pool.parse(raw);
    await pool.close();
    await expect(inHand).rejects.toThrow(/worker/i);
    expect((await pool.parse(raw)).subject).toBe('hello');
  });
});
