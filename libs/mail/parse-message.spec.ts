import { createHash } from 'node:crypto';
import * as iconv from 'iconv-lite';
import { parse as parseYaml } from 'yaml';
import {
  type CorpusEntry,
  describeCorpus,
  itCorpus,
  listCorpusMessages,
  readCorpusFile,
  readCorpusText,
} from '../../test/support/corpus';
import { MessageParseError, parseMessage } from './parse-message';
import type { ParsedMessage } from './parsed-message';

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
const md5 = (data: Buffer): string => createHash('md5').update(data).digest('hex');

describeCorpus('parseMessage on every corpus message', () => {
  // Messages mailparser itself cannot read. None today: keep it explicit, so a new failure
  // shows up as a test failure instead of being swallowed.
  const EXPECTED_PARSE_FAILURES: string[] = [];
  const messages = listCorpusMessages();

  it('covers the whole corpus', () => {
    expect(messages).toHaveLength(310);
  });

  for (const { path } of messages) {
    it(`${path} parses into a consistent result`, async () => {
      const raw = readCorpusFile(path);
      if (EXPECTED_PARSE_FAILURES.includes(path)) {
        await expect(parseMessage(raw)).rejects.toBeInstanceOf(MessageParseError);
        return;
      }
      const message = await parseMessage(raw);
      expect(typeof message.subject).toBe('string');
      expect(message.subject).not.toMatch(/[\r\n]/);
      expect(message.contentHash).toMatch(/^[0-9a-f]{64}$/);
      if (message.messageId !== null) {
        expect(message.messageId).not.toMatch(/[<>\s]/);
      }
      for (const address of [message.from, ...message.to, ...message.cc, ...message.replyTo]) {
        if (address) {
          expect(address.address).toBe(address.address.toLowerCase());
          expect(address.address.length).toBeGreaterThan(0);
        }
      }
      for (const attachment of message.attachments) {
        expect(attachment.filename.trim()).not.toBe('');
        expect(attachment.filename).not.toMatch(/[/\\\u0000-\u001f]/);
        expect(attachment.size).toBe(attachment.content.length);
        expect(attachment.checksum).toBe(sha256(attachment.content));
      }
    });
  }
});

interface ZammadExpectation {
  from_email: string;
  from_display_name?: string | null;
  subject?: string | null;
  attachments?: { filename: string; data: string | Buffer }[] | null;
}

function loadZammadExpectation(entry: CorpusEntry): ZammadExpectation {
  // Ruby type tags carry no data; `!binary` marks base64 attachment bytes.
  const text = readCorpusText(entry.expectedFiles[0]).replace(/!ruby\/\S+/g, '');
  return parseYaml(text, {
    customTags: [{ tag: '!binary', resolve: (value: string) => Buffer.from(value, 'base64') }],
  }) as ZammadExpectation;
}

/**
 * Where we legitimately differ from Zammad, with the value WE must produce instead.
 * Zammad also stores the HTML body as a `message.html` attachment; we keep it in `html`, so that
 * name is ignored everywhere.
 */
const ZAMMAD_DIFFERENCES: Record<
  string,
  { from?: string | null; name?: string | null; subject?: string; attachments?: string[] }
> = {
  // mailparser turns the tab of a folded Subject into a space; Zammad keeps the raw tab.
  'zammad/mail018.box': {
    subject: 'Benachrichtung   zum   +ANw-bermittlungsstatus   (Fehlgeschlagen)',
  },
  // The encoded subject starts with CRLF; we drop line breaks from subjects.
  'zammad/mail027.box': { subject: '蠭龕中層管理者如何避免角色行为誤区' },
  // Zammad keeps the quotes of `"local"@domain`; the address is the same mailbox.
  'zammad/mail035.box': { from: 'finances8@firstfinanceloanfirm.example.com' },
  // Zammad uses the bare From text "MAILER-DAEMON" as an address; it has none, and there is no
  // Sender or Reply-To to fall back to. The unnamed text/rfc822-headers part is named from its
  // Content-Description ("Undelivered Message Headers"); Zammad calls it "file".
  'zammad/mail053.box': {
    from: null,
    name: null,
    attachments: ['Delivery report.txt', 'Undelivered Message Headers.txt'],
  },
  // Unparseable `From: Test test@example.com`: Zammad keeps the text verbatim, mailparser reads
  // name "Test" and the address. Zammad also turns the trailing untyped text part into an
  // attachment "file"; mailparser (rightly) reads it as the body.
  'zammad/mail087.box': { from: 'test@example.com', name: 'Test', attachments: ['fax_1234.pdf'] },
  // Raw GB2312 display name: Zammad shows mojibake, we decode it with the message's GB2312 hint.
  'zammad/mail046.box': { name: '武兰成' },
  // `"Millions Lottery Spain transfer"@example.com>`: Zammad puts the broken address into the name.
  'zammad/mail076.box': { name: '' },
  // Unnamed application/pgp-encrypted part: named from its Content-Description instead of "file".
  'zammad/mail042.box': { attachments: ['PGP-MIME Versions Identification.pgp', 'encrypted.asc'] },
  // Extra text/html parts of multipart/mixed are merged into `html` by mailparser (content is
  // kept); Zammad lists them as document.html attachments.
  'zammad/mail062.box': {
    attachments: ['Video1.MOV', 'Video2.MOV', 'Video3.MOV', 'image000.jpg', 'image001.jpg', 'video.mov', 'video1.mov'],
  },
  'zammad/mail085.box': { attachments: [] },
  // Two parts share one name; Zammad renames the second ("091.00.38.png"), we keep names as sent.
  'zammad/mail102.box': {
    attachments: [
      'Screen Shot 2018-12-17 at 09.00.38.png',
      'Screen Shot 2018-12-17 at 09.00.38.png',
      'documentation-todo.pdf',
    ],
  },
};

/** Attachment bytes Zammad extracts from parts we merge into the body (see mail062/085/087 above). */
const ZAMMAD_BODY_PARTS = new Set([
  'zammad/mail062.box:document.html',
  'zammad/mail062.box:document1.html',
  'zammad/mail085.box:document.html',
  'zammad/mail087.box:file',
]);

describeCorpus('parseMessage against Zammad expectations', () => {
  const entries = listCorpusMessages().filter((entry) => entry.source === 'zammad');
  const parsed = new Map<string, ParsedMessage>();

  beforeAll(async () => {
    for (const entry of entries) {
      parsed.set(entry.path, await parseMessage(readCorpusFile(entry.path)));
    }
  });

  it('has an expectation file for each of the 75 messages', () => {
    expect(entries).toHaveLength(75);
    expect(entries.every((entry) => entry.expectedFiles.length === 1)).toBe(true);
  });

  for (const entry of entries) {
    const path = entry.path;
    it(`${path}: sender, subject and attachment names`, () => {
      const expected = loadZammadExpectation(entry);
      const message = parsed.get(path)!;
      const difference = ZAMMAD_DIFFERENCES[path] ?? {};

      const expectedFrom = 'from' in difference ? difference.from : String(expected.from_email).toLowerCase();
      expect(message.from?.address ?? null).toBe(expectedFrom);
      const expectedName = 'name' in difference ? difference.name : (expected.from_display_name ?? '');
      expect(message.from?.name ?? null).toBe(expectedName);
      expect(message.subject).toBe(difference.subject ?? expected.subject ?? '');

      const zammadNames = (expected.attachments ?? []).map((a) => a.filename).filter((name) => name !== 'message.html');
      const expectedNames = difference.attachments ?? zammadNames;
      expect(message.attachments.map((a) => a.filename).sort()).toEqual([...expectedNames].sort());
    });

    it(`${path}: attachment bytes`, () => {
      const message = parsed.get(path)!;
      // Text attachments are stored by Zammad as decoded strings with LF line ends.
      const lf = (data: Buffer): Buffer => Buffer.from(data.toString('utf8').replace(/\r\n/g, '\n'));
      const ours = new Set(message.attachments.flatMap((a) => [md5(a.content), md5(lf(a.content))]));
      for (const attachment of loadZammadExpectation(entry).attachments ?? []) {
        if (attachment.filename === 'message.html' || ZAMMAD_BODY_PARTS.has(`${path}:${attachment.filename}`)) {
          continue;
        }
        const data = Buffer.isBuffer(attachment.data) ? attachment.data : Buffer.from(String(attachment.data));
        expect({ file: attachment.filename, found: ours.has(md5(data)) || ours.has(md5(lf(data))) }).toEqual({
          file: attachment.filename,
          found: true,
        });
      }
    });
  }
});

describeCorpus('parseMessage charsets', () => {
  const parse = (path: string): Promise<ParsedMessage> => parseMessage(readCorpusFile(path));

  it('decodes ISO-2022-JP subjects and bodies', async () => {
    const message = await parse('mikel-mail/multi_charset/japanese_iso_2022.eml');
    expect(message.subject).toBe('まみむめも');
    expect(message.text).toContain('すみません。');
    expect((await parse('mimekit/messages/japanese.txt')).text).toContain('日本語が');
  });

  it('reads 8-bit Shift_JIS mislabelled as ISO-2022-JP (raw subject and encoded name)', async () => {
    const message = await parse('zammad/mail093.box');
    expect(message.subject).toBe('ツール');
    expect(message.from?.name).toBe('ツール EXAMPLE');
  });

  it('decodes GB2312 encoded words, raw GB2312 headers and raw GB2312 file names', async () => {
    expect((await parse('zammad/mail032.box')).text).toContain('全能型车间主任实战技能训练');
    expect((await parse('zammad/mail046.box')).subject).toBe('转发：整体提升企业服务水平');
    const withAttachment = await parse('zammad/mail015.box');
    expect(withAttachment.subject).toBe('绩效管理,究竟谁错了');
    expect(withAttachment.attachments[0].filename).toBe('绩效管理,究竟谁错了.xls');
  });

  it('decodes ks_c_5601-1987 (Korean) and EUC-KR bodies', async () => {
    expect((await parse('mikel-mail/multi_charset/ks_c_5601-1987.eml')).text?.trim()).toBe('스티해');
    expect((await parse('mikel-mail/plain_emails/raw_email_double_at_in_header.eml')).subject).toBe(
      'NOTE: 한국말로 하는 것',
    );
  });

  it('decodes Windows-1250 bodies and raw Windows-1251 subjects', async () => {
    expect((await parse('zammad/mail068.box')).text).toContain('Čtvrtek 2. srpna 2018');
    const russian = await parse('django-mailbox/message_with_single_byte_extended_subject_encoding.eml');
    expect(russian.subject).toBe('Узнай как зарабатывать от 1000$ в неделю!');
  });

  it('reads a raw Windows-1252 byte in a Latin-1 message', async () => {
    expect((await parse('flanker/spam/broken-headers.eml')).subject).toBe('Forget Asking For A Link Exchange…');
  });

  it('keeps UTF-8 file names that the sender wrote as raw bytes (cut short mid-character)', async () => {
    const message = await parse('flanker/russian-attachment-yahoo.eml');
    expect(message.attachments[0].filename).toMatch(/^Картинка с очень, очень длинным/);
  });

  it('decodes Big5 encoded words, bodies and raw Big5 subjects', async () => {
    const subject = '客服問題';
    const body = iconv.encode('請幫忙處理帳單', 'big5');
    const encodedWord = `=?big5?B?${iconv.encode(subject, 'big5').toString('base64')}?=`;
    const build = (subjectHeader: Buffer): Buffer =>
      Buffer.concat([
        Buffer.from('From: a@example.com\r\nSubject: '),
        subjectHeader,
        Buffer.from('\r\nContent-Type: text/plain; charset=big5\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'),
        body,
      ]);
    const encoded = await parseMessage(build(Buffer.from(encodedWord)));
    expect(encoded.subject).toBe(subject);
    expect(encoded.text?.trim()).toBe('請幫忙處理帳單');
    expect((await parseMessage(build(iconv.encode(subject, 'big5')))).subject).toBe(subject);
  });
});

describe('parseMessage fields', () => {
  const parse = (path: string): Promise<ParsedMessage> => parseMessage(readCorpusFile(path));
  const parseText = (text: string): Promise<ParsedMessage> => parseMessage(Buffer.from(text.replace(/\n/g, '\r\n')));

  it('normalises ids and keeps reply references in order', async () => {
    const message = await parseText(
      'Message-ID:  <abc@example.com> (sent by x)\nIn-Reply-To: <p1@example.com>\nReferences: <r1@example.com>\n <p1@example.com>\nSubject: Re: x\n\nbody',
    );
    expect(message.messageId).toBe('abc@example.com');
    expect(message.inReplyTo).toEqual(['p1@example.com']);
    expect(message.references).toEqual(['r1@example.com', 'p1@example.com']);
  });

  it('returns null for a missing or unreadable Date instead of "now"', async () => {
    expect((await parseText('Subject: a\n\nx')).date).toBeNull();
    expect((await parseText('Date: Pn, 29 paX 2007 21:13:00 +0100\n\nx')).date).toBeNull();
    expect((await parseText('Date: Sun, 1 Dec 2013 13:28:54 +0100 (CET)\n\nx')).date?.toISOString()).toBe(
      '2013-12-01T12:28:54.000Z',
    );
  });

  itCorpus('falls back to Reply-To when From has no address', async () => {
    const message = await parse('zammad/mail019.box');
    expect(message.from).toEqual({ address: 'vipyiming@126.com', name: '' });
  });

  it('treats an address longer than RFC 5321 allows as none, falling back to Reply-To', async () => {
    const overlong = `${'l'.repeat(400)}@customer.test`;
    const withReplyTo = await parseText(
      `From: Carol <${overlong}>\nReply-To: carol@customer.test\nCc: ${overlong}\n\nx`,
    );
    expect(withReplyTo.from).toEqual({ address: 'carol@customer.test', name: '' });
    expect(withReplyTo.cc).toEqual([]);
    expect((await parseText(`From: Carol <${overlong}>\n\nx`)).from).toBeNull();
    const longest = `${'l'.repeat(240)}@customer.test`;
    expect((await parseText(`From: <${longest}>\n\nx`)).from?.address).toBe(longest);
  });

  it('keeps decoded header values for classification, without prototype tricks', async () => {
    const message = await parseText(
      'X-Test: =?utf-8?Q?caf=C3=A9?=\n__proto__: polluted\nReceived: a\nReceived: b\n\nx',
    );
    expect(message.headers['x-test']).toEqual(['café']);
    expect(message.headers['received']).toEqual(['a', 'b']);
    expect(message.headers['__proto__']).toEqual(['polluted']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  itCorpus('marks cid images shown by the HTML as inline and names unnamed parts', async () => {
    const message = await parse('zammad/mail010.box');
    expect(message.html).toContain('cid:image001.jpg@01CDB132.D8A510F0');
    expect(message.attachments).toEqual([
      expect.objectContaining({ filename: 'image001.jpg', contentId: 'image001.jpg@01CDB132.D8A510F0', inline: true }),
    ]);
  });

  itCorpus('derives text from the HTML when the plain part is empty', async () => {
    const message = await parse('zammad/mail034.box');
    expect(message.text).toBe('some html text');
  });

  itCorpus('decodes uuencoded attachments', async () => {
    const message = await parse('zammad/mail078-content_transfer_encoding_x_uuencode.box');
    expect(message.attachments[0].content.toString()).toBe('Hello Zammad');
  });

  itCorpus('gives the same content hash to a copy that went through another relay', async () => {
    const original = readCorpusFile('mikel-mail/plain_emails/basic_email.eml');
    const relayed = Buffer.concat([
      Buffer.from(
        'Received: from relay.example.net by mx.example.org; Mon, 1 Jan 2024 00:00:00 +0000\r\nX-Spam-Score: 0.1\r\n',
      ),
      original,
    ]);
    const lfOnly = Buffer.from(original.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
    const hashes = await Promise.all(
      [original, relayed, lfOnly].map(async (raw) => (await parseMessage(raw)).contentHash),
    );
    expect(new Set(hashes).size).toBe(1);
    const edited = Buffer.from(original.toString('latin1').replace('Testing 123', 'Testing 124'), 'latin1');
    expect((await parseMessage(edited)).contentHash).not.toBe(hashes[0]);
  });

  it('throws MessageParseError with a reason when mailparser gives up', async () => {
    const hugeHeader = Buffer.from(`Subject: x\r\nX-Big: ${'a'.repeat(1_100_000)}\r\n\r\nbody`);
    await expect(parseMessage(hugeHeader)).rejects.toThrow(MessageParseError);
    await expect(parseMessage(hugeHeader)).rejects.toThrow(/Cannot parse message: .+/);
  });
});
