import { buildHeaderRecord, decodeEncodedWords } from './header-values';

describe('buildHeaderRecord', () => {
  it('unfolds, decodes encoded words and keeps repeated headers in order', async () => {
    const headers = await buildHeaderRecord([
      { key: 'received', line: 'Received: from a\r\n\tby b' },
      { key: 'received', line: 'Received: from c' },
      { key: 'subject', line: 'Subject: =?ISO-2022-JP?B?GyRCJV4lXyVgJWElYhsoQg==?=' },
      { key: 'auto-submitted', line: 'Auto-Submitted: auto-replied' },
    ]);
    expect(headers['received']).toEqual(['from a\tby b', 'from c']);
    expect(headers['subject']).toEqual(['マミムメモ']);
    expect(headers['auto-submitted']).toEqual(['auto-replied']);
  });

  it('keeps a value that is not a valid encoded word as it is', async () => {
    expect(await decodeEncodedWords('price =? unknown')).toBe('price =? unknown');
  });
});

describe('buildHeaderRecord on lines that are not strings', () => {
  it('skips them, and lines without a name, instead of throwing', async () => {
    const lines = [
      { key: 'subject', line: 'Subject: kept' },
      { key: 'x-odd', line: ['X-Odd: a'] },
      { key: undefined, line: 'X-No-Key: b' },
      { key: '', line: 'no colon here' },
    ] as unknown as { key: string; line: string }[];
    expect(await buildHeaderRecord(lines)).toEqual({ subject: ['kept'] });
  });
});
