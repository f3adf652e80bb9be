import * as iconv from 'iconv-lite';
import {
  collectCharsetHints,
  decodeUnlabelledBytes,
  headerBlockEnd,
  repairHeaderBytes,
  repairRawParameter,
} from './charset-repair';

describe('collectCharsetHints', () => {
  it('lists declared charsets once, mapped to the superset mailers really use', () => {
    const raw = Buffer.from(
      'Subject: =?GB2312?B?abc=?=\r\nContent-Type: text/plain; charset="iso-8859-1"\r\n' +
        'X: charset=utf-8; charset=x-unknown; charset=ks_c_5601-1987; charset=gb2312\r\n\r\n',
    );
    expect(collectCharsetHints(raw)).toEqual(['gb18030', 'windows-1252', 'cp949']);
  });
});

describe('decodeUnlabelledBytes', () => {
  it('prefers valid UTF-8, also when the last character was cut off', () => {
    expect(decodeUnlabelledBytes(Buffer.from('Grüße'), ['windows-1252'])).toBe('Grüße');
    const cut = Buffer.from('Картинка').subarray(0, -1);
    expect(decodeUnlabelledBytes(cut, ['windows-1252']).startsWith('Картинк')).toBe(true);
  });

  it('takes a declared multi-byte charset only if it decodes cleanly', () => {
    expect(decodeUnlabelledBytes(iconv.encode('转发：整体', 'gb18030'), ['windows-1252', 'gb18030'])).toBe(
      '转发：整体',
    );
    expect(decodeUnlabelledBytes(iconv.encode('Exchange…', 'windows-1252'), ['gb18030', 'windows-1252'])).toBe(
      'Exchange…',
    );
  });

  it('recognises raw Windows-1251 words in a message that only declares Latin-1', () => {
    expect(decodeUnlabelledBytes(iconv.encode('Узнай как заработать', 'windows-1251'), ['windows-1252'])).toBe(
      'Узнай как заработать',
    );
    expect(decodeUnlabelledBytes(iconv.encode('Grüße aus Köln', 'windows-1252'), ['windows-1252'])).toBe(
      'Grüße aus Köln',
    );
  });
});

describe('repairHeaderBytes', () => {
  it('rewrites raw 8-bit header lines as UTF-8 and leaves the body alone', () => {
    const body = iconv.encode('正文', 'gb18030');
    const raw = Buffer.concat([
      Buffer.from('Subject: '),
      iconv.encode('发票', 'gb18030'),
      Buffer.from('\r\nContent-Type: text/plain; charset=gb2312\r\n\r\n'),
      body,
    ]);
    const repaired = repairHeaderBytes(raw, collectCharsetHints(raw));
    expect(repaired.subarray(0, headerBlockEnd(repaired)).toString('utf8')).toContain('Subject: 发票');
    expect(repaired.subarray(repaired.length - body.length).equals(body)).toBe(true);
  });

  it('relabels 8-bit ISO-2022-JP encoded words as Shift_JIS', () => {
    const raw = Buffer.from('From: =?ISO-2022-JP?B?g2OBW4OLIEVYQU1QTEU=?= <a@example.org>\r\n\r\nx');
    expect(repairHeaderBytes(raw, []).toString()).toContain('=?SHIFT_JIS?B?g2OBW4OLIEVYQU1QTEU=?=');
  });

  it('returns clean messages unchanged', () => {
    const raw = Buffer.from('Subject: =?ISO-2022-JP?B?GyRCJV4lXyVgJWElYhsoQg==?=\r\n\r\nbody');
    expect(repairHeaderBytes(raw, [])).toBe(raw);
  });
});

describe('repairRawParameter', () => {
  it('re-decodes a file name the parser read as Latin-1 from raw bytes', () => {
    const bytes = iconv.encode('绩效管理.xls', 'gb18030');
    const raw = Buffer.concat([
      Buffer.from('Content-Disposition: attachment; filename="'),
      bytes,
      Buffer.from('"\r\n'),
    ]);
    expect(repairRawParameter(bytes.toString('latin1'), raw, ['gb18030'])).toBe('绩效管理.xls');
  });

  it('leaves properly encoded Latin-1 names alone', () => {
    const raw = Buffer.from("Content-Disposition: attachment; filename*=iso-8859-1''ci%EBle.txt\r\n");
    expect(repairRawParameter('ciële.txt', raw, ['gb18030'])).toBe('ciële.txt');
  });
});
