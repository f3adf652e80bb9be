import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { simpleParser } from 'mailparser';
import { parseLargeMessage } from './parse-large-message';
import { parseMessage, toParsedMessage } from './parse-message';
import type { ParsedMessage } from './parsed-message';

/**
 * Malformed MIME headers in the shapes that broke the parse path: mailparser reports a part with an
 * empty or parameter-only Content-Type with `contentType: false`, and repeated headers as the first
 * value or an array. Each must be read best-effort, the way mailparser alone reads it.
 */
const crlf = (text: string): Buffer => Buffer.from(text.replace(/\r?\n/g, '\r\n'));

/** A two-part message whose second part has the given header lines and the body "ABC" in base64. */
function withPartHeaders(headers: string): Buffer {
  return crlf(
    'From: Ann <ann@example.com>\nSubject: Broken part\nMIME-Version: 1.0\n' +
      'Content-Type: multipart/mixed; boundary="b"\n\n' +
      '--b\nContent-Type: text/plain\n\nhello\n' +
      `--b\n${headers}\nContent-Transfer-Encoding: base64\n\nQUJD\n--b--\n`,
  );
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

/** Both parse paths: the in-memory one and the streaming one for large messages. */
const PATHS: [string, (raw: Buffer) => Promise<ParsedMessage>][] = [
  ['parseMessage', parseMessage],
  ['parseLargeMessage', (raw) => parseLargeMessage(Readable.from([raw]), 'raw-key', sink)],
];

describe.each(PATHS)('%s on malformed Content-Type headers', (_name, parse) => {
  it('reads a part with an empty Content-Type as an opaque attachment', async () => {
    const raw = withPartHeaders('Content-Type:\nContent-Disposition: attachment');
    expect((await simpleParser(raw)).attachments[0].contentType).toBe(false);
    const message = await parse(raw);
    expect(message.subject).toBe('Broken part');
    expect(message.text?.trim()).toBe('hello');
    expect(message.attachments).toEqual([
      expect.objectContaining({ contentType: 'application/octet-stream', filename: 'attachment.bin', size: 3 }),
    ]);
  });

  it('keeps the file name of a Content-Type that has only parameters', async () => {
    const message = await parse(withPartHeaders('Content-Type: ;name="report.pdf"'));
    expect(message.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['report.pdf', 'application/octet-stream'],
    ]);
  });

  it('reads a part whose Content-Type is whitespace only', async () => {
    const message = await parse(withPartHeaders('Content-Type:   \t'));
    expect(message.attachments.map((a) => a.contentType)).toEqual(['application/octet-stream']);
  });

  it('takes the first of repeated Content-Type, Content-Disposition, Content-ID and Content-Description headers', async () => {
    const message = await parse(
      withPartHeaders(
        'Content-Type: image/png\nContent-Type: text/html; name=b.html\n' +
          'Content-Disposition: attachment\nContent-Disposition: inline; filename=c.png\n' +
          'Content-ID: <first@example.com>\nContent-ID: <second@example.com>\n' +
          'Content-Description: first\nContent-Description: second',
      ),
    );
    expect(message.attachments).toEqual([
      expect.objectContaining({ contentType: 'image/png', contentId: 'first@example.com', filename: 'first.png' }),
    ]);
  });

  it('reads a top-level Content-Type that is empty or repeated as mailparser does', async () => {
    const empty = await parse(crlf('From: a@example.com\nSubject: s\nContent-Type:\n\nplain body'));
    expect(empty.text?.trim()).toBe('plain body');
    const repeated = await parse(
      crlf('From: a@example.com\nSubject: s\nContent-Type: text/plain\nContent-Type: text/html\n\n<b>x</b>'),
    );
    expect(repeated.text?.trim()).toBe('<b>x</b>');
    expect(repeated.attachments).toEqual([]);
  });

  it('takes the first of repeated From, Subject and Message-ID headers and keeps all values in `headers`', async () => {
    const message = await parse(
      crlf(
        'From: a@example.com\nFrom: b@example.com\nSubject: one\nSubject: two\n' +
          'Message-ID: <m1@example.com>\nMessage-ID: <m2@example.com>\n\nx',
      ),
    );
    expect(message.from?.address).toBe('a@example.com');
    expect(message.subject).toBe('one');
    expect(message.messageId).toBe('m1@example.com');
    expect(message.headers['subject']).toEqual(['one', 'two']);
  });

  it('reads a Message-ID cut short at a truncation, or bracketed on one side only, without brackets', async () => {
    const cut = await parse(crlf('From: a@example.com\nMessage-ID: <20080907124012.EF283A071@wsmtpr24.e'));
    expect(cut.messageId).toBe('20080907124012.EF283A071@wsmtpr24.e');
    const oneSided = await parse(crlf('From: a@example.com\nMessage-ID: xxxx@xxxx.com>\nIn-Reply-To: <p@x\n\nbody'));
    expect(oneSided.messageId).toBe('xxxx@xxxx.com');
    expect(oneSided.inReplyTo).toEqual(['p@x']);
  });

  it('reads a line break encoded in the subject as a space between words', async () => {
    const message = await parse(crlf('From: a@example.com\nSubject: =?utf-8?Q?Hello=0D=0AWorld=0A?=\n\nbody'));
    expect(message.subject).toBe('Hello World');
  });

  it('reads a message with empty From, Subject and Content-Transfer-Encoding headers', async () => {
    const message = await parse(crlf('From:\nSender:\nSubject:\nContent-Transfer-Encoding:\n\nbody'));
    expect(message.from).toBeNull();
    expect(message.subject).toBe('');
    expect(message.text?.trim()).toBe('body');
  });
});

describe.each(PATHS)('%s on input without headers', (_name, parse) => {
  it('reads an empty message, and a line without a colon, as no header at all', async () => {
    for (const raw of [Buffer.alloc(0), crlf('no colon here\n\nbody')]) {
      const message = await parse(raw);
      expect(message.headers).toEqual({});
      expect(message.from).toBeNull();
      expect(message.attachments).toEqual([]);
    }
  });
});

describe('toParsedMessage on parser output of unexpected shapes', () => {
  /** What mailparser gives for a message, with the given fields replaced. */
  async function readWith(fields: Record<string, unknown>): Promise<ParsedMessage> {
    const raw = crlf('From: a@example.com\nSubject: s\n\nbody');
    const mail = Object.assign(await simpleParser(raw), fields);
    return toParsedMessage(mail, { raw, hints: [], contentHash: () => 'hash', stored: new Map() });
  }

  it('reads repeated address headers (arrays of address objects) and skips what is not an address', async () => {
    const message = await readWith({
      from: [{ value: 'not a list' }, { value: [null, 7, { address: ['B@Example.com'], name: 5 }] }],
      to: [
        { value: [{ group: [{ address: 'g@example.com', name: 'G' }] }] },
        { value: [{ address: 'c@example.com' }] },
      ],
      cc: 'not an object',
      replyTo: null,
    });
    expect(message.from).toEqual({ address: 'b@example.com', name: '' });
    expect(message.to.map((a) => a.address)).toEqual(['g@example.com', 'c@example.com']);
    expect(message.cc).toEqual([]);
    expect(message.replyTo).toEqual([]);
  });

  it('falls back to a Sender header of any shape', async () => {
    const mail = await simpleParser(crlf('From: nobody\nSender: s@example.com\n\nbody'));
    mail.headers.set('sender', [mail.headers.get('sender'), 'junk'] as never);
    const message = await toParsedMessage(mail, {
      raw: Buffer.alloc(0),
      hints: [],
      contentHash: () => 'hash',
      stored: new Map(),
    });
    expect(message.from?.address).toBe('s@example.com');
  });

  it('reads a subject, text or HTML that is not a string as absent', async () => {
    const message = await readWith({ subject: ['a', 'b'], text: { value: 'x' }, html: 42 });
    expect(message.subject).toBe('');
    expect(message.text).toBeNull();
    expect(message.html).toBeNull();
  });
});
