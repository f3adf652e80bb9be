import { expectLinearGrowth } from '../../test/support/growth';
import { sanitizeFilename, filenameFromContentId } from './attachment-filename';
import { detectAutoReply } from './auto-reply';
import { collectCharsetHints, decodeUnlabelledBytes, repairHeaderBytes, repairRawParameter } from './charset-repair';
import { computeContentHash } from './content-hash';
import { parseMessageIdList } from './message-id';
import { verifySignedMessageId } from './signed-message-id';
import { extractReferencedIds, findSubjectTokens, normaliseSubject } from './thread-keys';
import { uudecode } from './uudecode';

const SECRET = 'x'.repeat(32);

/** Hostile headers and bodies: each must cost time linear in its size (see test/support/growth.ts). */
describe('header and body helpers on hostile input grow linearly', () => {
  it('computeContentHash: runs of blanks and of line feeds that do not end the body', () => {
    expectLinearGrowth(8_000, (size) => Buffer.from(`Subject: x\n\n${' '.repeat(size)}x`), computeContentHash);
    expectLinearGrowth(8_000, (size) => Buffer.from(`Subject: x\n\n${'\n'.repeat(size)}x`), computeContentHash);
    expectLinearGrowth(8_000, (size) => Buffer.from(`Subject: ${' \t'.repeat(size / 2)}x\n\nx`), computeContentHash);
  });

  it('parseMessageIdList and extractReferencedIds: a References header of many distinct ids', () => {
    const references = (size: number): string =>
      Array.from({ length: size / 16 }, (_, index) => `<${index}@x.example>`).join(' ');
    expectLinearGrowth(8_000, references, parseMessageIdList);
    expectLinearGrowth(8_000, (size) => ({ inReplyTo: [], references: [references(size)] }), extractReferencedIds);
    expectLinearGrowth(8_000, (size) => `${'('.repeat(size / 2)}a@b ${'<'.repeat(size / 2)}`, parseMessageIdList);
  });

  it('normaliseSubject and findSubjectTokens: thousands of reply prefixes and brackets', () => {
    expectLinearGrowth(8_000, (size) => 'Re: '.repeat(size / 4), normaliseSubject);
    expectLinearGrowth(8_000, (size) => `Re${' '.repeat(size)}x`, normaliseSubject);
    expectLinearGrowth(8_000, (size) => `[ # ${'[#1'.repeat(size / 3)}`, findSubjectTokens);
  });

  it('detectAutoReply: long subjects and header values', () => {
    expectLinearGrowth(
      8_000,
      (size) => ({
        subject: `auto reply${' '.repeat(size)}x`,
        headers: { 'content-type': [`multipart/report${'; report-type '.repeat(size / 15)}`] },
      }),
      detectAutoReply,
    );
  });

  it('charset repair: hostile charset labels, header bytes and parameters', () => {
    expectLinearGrowth(
      8_000,
      (size) => Buffer.from(`${'=?a.'.repeat(size / 4)}charset=${'x'.repeat(size)}`),
      collectCharsetHints,
    );
    expectLinearGrowth(
      8_000,
      (size) => Buffer.from(`Subject: ${'=?iso-2022-jp?b?'.repeat(size / 16)}\xe9\n\nbody`, 'latin1'),
      (raw) => repairHeaderBytes(raw, ['gb18030']),
    );
    expectLinearGrowth(
      8_000,
      (size) => Buffer.from('\xe9a'.repeat(size / 2), 'latin1'),
      (bytes) => decodeUnlabelledBytes(bytes, ['windows-1252']),
    );
    // From 64 KB: below that, Buffer.from switches allocation strategy on the way, which is not work.
    expectLinearGrowth(
      64_000,
      (size) => 'a\xe9'.repeat(size / 2),
      (value) => repairRawParameter(value, Buffer.from('a\xe9'.repeat(64), 'latin1'), []),
    );
  });

  it('attachment names, uuencoded parts and signed ids', () => {
    expectLinearGrowth(8_000, (size) => `${'.a'.repeat(size / 2)}\u0001`, sanitizeFilename);
    expectLinearGrowth(8_000, (size) => `${'a.aa'.repeat(size / 4)}`, filenameFromContentId);
    expectLinearGrowth(8_000, (size) => Buffer.from(`begin ${'1'.repeat(size)}\n${'M'.repeat(size)}\n`), uudecode);
    expectLinearGrowth(
      8_000,
      (size) => `<${'>'.repeat(size)}@x>`,
      (id) => verifySignedMessageId(SECRET, id),
    );
  });
});
