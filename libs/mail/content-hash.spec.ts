import { computeContentHash } from './content-hash';

const message = [
  'From: Ann <ann@example.com>',
  'To: support@example.com',
  'Subject: Printer',
  'Date: Mon, 1 Jan 2024 10:00:00 +0000',
  '',
  'The printer is broken.',
  '',
].join('\r\n');

describe('computeContentHash', () => {
  const hash = computeContentHash(Buffer.from(message));

  it('ignores trace headers, mbox separators, line endings and trailing whitespace', () => {
    const variants = [
      `Received: by mx.example.org\r\nX-Spam-Score: 1\r\n${message}`,
      `From MAILER-DAEMON Mon Jan  1 10:00:00 2024\n${message}`,
      message.replace(/\r\n/g, '\n'),
      message.replace('broken.', 'broken.   ') + '\r\n\r\n',
      message.replace('Subject: Printer', 'Subject:\r\n Printer'),
    ];
    for (const variant of variants) {
      expect(computeContentHash(Buffer.from(variant))).toBe(hash);
    }
  });

  it('changes when the author, subject or text changes', () => {
    expect(computeContentHash(Buffer.from(message.replace('Ann', 'Bob')))).not.toBe(hash);
    expect(computeContentHash(Buffer.from(message.replace('Printer', 'Scanner')))).not.toBe(hash);
    expect(computeContentHash(Buffer.from(message.replace('broken', 'fixed')))).not.toBe(hash);
  });
});
