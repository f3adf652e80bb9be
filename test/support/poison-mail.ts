import { randomBytes } from 'node:crypto';
import { makeMessage } from './messages';

/**
 * Builders of hostile and merely odd messages for the sync specs: over a cap (header block, MIME parts,
 * MIME depth, message size), or with bytes a header should not hold (NUL, invalid UTF-8, a broken
 * Content-Type). Every builder takes the subject, so a spec can tell its messages apart.
 */

const CAROL = 'Carol Customer <carol@customer.test>';

/** A header block of `lines` extra fields of about 80 bytes each. */
export function bigHeader(to: string, lines: number, subject = 'Big header'): string {
  const filler = Array.from({ length: lines }, (_, i) => `X-Filler-${i}: ${'f'.repeat(64)}`);
  return makeMessage({ from: CAROL, to, subject }).replace(
    'MIME-Version: 1.0',
    [...filler, 'MIME-Version: 1.0'].join('\r\n'),
  );
}

/** A message with `count` text parts (over a thousand: a classic parser bomb). */
export function manyParts(to: string, count: number, subject = 'Many parts'): string {
  const parts = Array.from({ length: count }, (_, i) => `--p\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`);
  return makeMessage({ from: CAROL, to, subject })
    .replace('Content-Type: text/plain; charset=utf-8', 'Content-Type: multipart/mixed; boundary=p')
    .replace('It is on fire. Please help.', `${parts.join('')}--p--`);
}

/** `depth` multiparts, each inside the one before, around one text part. */
export function nestedMessage(to: string, depth: number, subject = 'Deeply nested'): string {
  let body = 'Content-Type: text/plain; charset=utf-8\r\n\r\nDeep inside.\r\n';
  for (let level = depth; level > 0; level--) {
    body = `Content-Type: multipart/mixed; boundary="n${level}"\r\n\r\n--n${level}\r\n${body}--n${level}--\r\n`;
  }
  const [head] = makeMessage({ from: CAROL, to, subject }).split('Content-Type: text/plain');
  return `${head}${body}`;
}

/** A message with one attachment of `bytes` (random, or the given content), base64 in 76-character lines. */
export function withAttachment(to: string, subject: string, bytes: number | Buffer): string {
  const boundary = `b-${randomBytes(4).toString('hex')}`;
  const content = (Buffer.isBuffer(bytes) ? bytes : randomBytes(bytes)).toString('base64').replace(/.{76}/g, '$&\r\n');
  return makeMessage({ from: CAROL, to, subject })
    .replace('Content-Type: text/plain; charset=utf-8', `Content-Type: multipart/mixed; boundary="${boundary}"`)
    .replace('Content-Transfer-Encoding: 8bit\r\n', '')
    .replace(
      'It is on fire. Please help.',
      [
        `--${boundary}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        'The log file is attached.',
        `--${boundary}`,
        'Content-Type: application/octet-stream; name="printer.log"',
        'Content-Disposition: attachment; filename="printer.log"',
        'Content-Transfer-Encoding: base64',
        '',
        content,
        `--${boundary}--`,
      ].join('\r\n'),
    );
}

/** A NUL byte inside the Subject, after `subject`. */
export function nulInSubject(to: string, subject: string): string {
  return makeMessage({ from: CAROL, to, subject: `${subject} nul\0here` });
}

/** A NUL byte inside the From display name. */
export function nulInSender(to: string, subject: string): string {
  return makeMessage({ from: 'Carol\0Customer <carol@customer.test>', to, subject });
}

/** Raw bytes that are not UTF-8 (a lone continuation byte, 0xFF, a truncated sequence) in the Subject. */
export function invalidUtf8Subject(to: string, subject: string): Buffer {
  const [before, after] = makeMessage({ from: CAROL, to, subject: `${subject} @@` }).split('@@');
  return Buffer.concat([Buffer.from(before), Buffer.from([0x80, 0xff, 0xfe, 0xe2, 0x82]), Buffer.from(after)]);
}

/** Two Content-Type fields that disagree. */
export function repeatedContentType(to: string, subject: string): string {
  return makeMessage({ from: CAROL, to, subject }).replace(
    'Content-Type: text/plain; charset=utf-8',
    'Content-Type: text/plain; charset=utf-8\r\nContent-Type: text/html; charset=latin1',
  );
}

/** A Content-Type field with nothing in it. */
export function emptyContentType(to: string, subject: string): string {
  return makeMessage({ from: CAROL, to, subject }).replace('Content-Type: text/plain; charset=utf-8', 'Content-Type:');
}

/** A multipart Content-Type without a boundary, and parameters that do not parse. */
export function brokenContentType(to: string, subject: string): string {
  return makeMessage({ from: CAROL, to, subject }).replace(
    'Content-Type: text/plain; charset=utf-8',
    'Content-Type: multipart/mixed; ; charset=="; =boundary',
  );
}

/** A sender whose display name and address are longer than any column holds (a row the database may refuse). */
export function longSender(to: string, subject: string): string {
  return makeMessage({ from: `${'N'.repeat(400)} <${'l'.repeat(400)}@customer.test>`, to, subject });
}

/** Message-ID and References far longer than real ones. */
export function longMessageId(to: string, subject: string): string {
  const id = `${'i'.repeat(2000)}@customer.test`;
  return makeMessage({ to, subject, messageId: id, references: [`${'r'.repeat(3000)}@customer.test`] });
}

/** A Subject of 5000 characters after `subject` (it is stored whole on the ticket, cut where a column is shorter). */
export function longSubject(to: string, subject: string): string {
  return makeMessage({ from: CAROL, to, subject: `${subject} ${'s'.repeat(5000)}` });
}

/** An out-of-office reply (ignored) whose subject is longer than the run record's column. */
export function longAutoReply(to: string, subject: string): string {
  return makeMessage({
    from: CAROL,
    to,
    subject: `${subject} ${'a'.repeat(2000)}`,
    headers: { 'Auto-Submitted': 'auto-replied' },
  });
}

/** An attachment whose file name and content type are longer than their columns. */
export function longAttachmentFields(to: string, subject: string): string {
  return withAttachment(to, subject, 256)
    .replace(
      'application/octet-stream; name="printer.log"',
      `application/${'x'.repeat(400)}; name="${'n'.repeat(600)}.log"`,
    )
    .replace('filename="printer.log"', `filename="${'n'.repeat(600)}.log"`);
}
