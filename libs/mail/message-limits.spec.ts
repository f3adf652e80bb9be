import { type MessageLimits, MessageOverLimitError } from './message-limits';
import { parseMessage } from './parse-message';

const LIMITS: MessageLimits = { maxHeaderBytes: 8192, maxMimeDepth: 3, maxParts: 10, maxAttachments: 2 };
const HEAD = 'From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\nMIME-Version: 1.0\r\n';

function nested(depth: number): Buffer {
  let body = 'Content-Type: text/plain\r\n\r\nhello\r\n';
  for (let level = depth; level > 0; level--) {
    body = `Content-Type: multipart/mixed; boundary="n${level}"\r\n\r\n--n${level}\r\n${body}--n${level}--\r\n`;
  }
  return Buffer.from(HEAD + body);
}

function parts(count: number, attachment = false): Buffer {
  const disposition = attachment ? 'Content-Disposition: attachment; filename="f.txt"\r\n' : '';
  const each = Array.from({ length: count }, (_, i) => `--p\r\nContent-Type: text/plain\r\n${disposition}\r\n${i}\r\n`);
  return Buffer.from(`${HEAD}Content-Type: multipart/mixed; boundary=p\r\n\r\n${each.join('')}--p--\r\n`);
}

async function limitOf(raw: Buffer): Promise<string | null> {
  try {
    await parseMessage(raw, LIMITS);
    return null;
  } catch (error) {
    return error instanceof MessageOverLimitError ? error.limit : `other: ${(error as Error).message}`;
  }
}

describe('parseMessage with MessageLimits', () => {
  it('names the limit a message is over, and parses one at each limit', async () => {
    expect(await limitOf(nested(3))).toBeNull();
    expect(await limitOf(nested(4))).toBe('mime-depth');
    expect(await limitOf(parts(8))).toBeNull();
    expect(await limitOf(parts(20))).toBe('mime-parts');
    expect(await limitOf(parts(2, true))).toBeNull();
    expect(await limitOf(parts(3, true))).toBe('attachments');
    const filler = Array.from({ length: 200 }, (_, i) => `X-Filler-${i}: ${'f'.repeat(40)}\r\n`).join('');
    expect(await limitOf(Buffer.from(`${filler}${HEAD}\r\nhello\r\n`))).toBe('header-size');
  });

  it('leaves parsing without limits as it was', async () => {
    expect((await parseMessage(nested(30))).text).toContain('hello');
  });
});
