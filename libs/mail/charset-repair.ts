import { isUtf8 } from 'node:buffer';
import * as iconv from 'iconv-lite';

/**
 * Repairs text that senders put into headers as raw 8-bit bytes instead of RFC 2047 encoded
 * words (common in Chinese, Japanese and Russian spam and in old Outlook Express mail).
 *
 * mailparser reads such header bytes as UTF-8 (and part parameters such as file names as
 * Latin-1), which turns GB2312 or Shift_JIS into "ת�����" noise. The bytes carry no label, so
 * the charset is guessed from the charsets the message declares elsewhere: multi-byte
 * candidates are tried first and kept only if they decode without errors, since a single-byte
 * charset accepts any input and would always "succeed".
 */

/** How far into a message we look for charset declarations; they sit in headers near the top. */
const HINT_SCAN_BYTES = 256 * 1024;

const IGNORED_HINTS = new Set(['us-ascii', 'ascii', 'utf-8', 'utf8', 'x-unknown', 'unknown-8bit', 'binary']);

/**
 * Charset families mapped to the superset that real mailers actually emit. ISO-2022-JP is 7-bit
 * by definition, so 8-bit bytes in a message labelled with it are Shift_JIS (CP932) in practice.
 */
const SUPERSETS: Record<string, string> = {
  gb2312: 'gb18030',
  gbk: 'gb18030',
  'x-gbk': 'gb18030',
  'euc-cn': 'gb18030',
  cp936: 'gb18030',
  'iso-2022-jp': 'cp932',
  shift_jis: 'cp932',
  'shift-jis': 'cp932',
  sjis: 'cp932',
  'x-sjis': 'cp932',
  'windows-31j': 'cp932',
  'ks_c_5601-1987': 'cp949',
  'euc-kr': 'cp949',
  'big5-hkscs': 'big5',
  'x-big5': 'big5',
  'iso-8859-1': 'windows-1252',
  latin1: 'windows-1252',
};

const MULTI_BYTE = new Set(['gb18030', 'cp932', 'cp949', 'big5', 'euc-jp']);
const FALLBACK_CHARSET = 'windows-1252';

/** Charsets declared anywhere in the message (Content-Type parameters and encoded words), in order. */
export function collectCharsetHints(raw: Buffer): string[] {
  const text = raw.subarray(0, HINT_SCAN_BYTES).toString('latin1');
  const found = [...text.matchAll(/charset\s*=\s*["']?([\w.:-]+)|=\?([\w.:-]+)(?:\*[\w-]+)?\?[bq]\?/gi)].map((match) =>
    (match[1] ?? match[2]).toLowerCase(),
  );
  const hints: string[] = [];
  for (const charset of found) {
    const usable = SUPERSETS[charset] ?? charset;
    if (!IGNORED_HINTS.has(charset) && iconv.encodingExists(usable) && !hints.includes(usable)) {
      hints.push(usable);
    }
  }
  return hints;
}

/** A loop, not `bytes.some(arrow)`: V8 drops a per-call arrow's optimized code at each full GC. */
function hasHighByte(bytes: Buffer): boolean {
  for (let at = 0; at < bytes.length; at++) if (bytes[at] >= 0x80) return true;
  return false;
}

/**
 * UTF-8, allowing the last character to be cut short: some mailers truncate long parameters
 * mid-character, and the rest of the value is still clearly UTF-8.
 */
function looksLikeUtf8(bytes: Buffer): boolean {
  for (let cut = 0; cut <= 3 && cut < bytes.length; cut++) {
    const prefix = bytes.subarray(0, bytes.length - cut);
    if (isUtf8(prefix) && (cut === 0 || hasHighByte(prefix))) {
      return true;
    }
  }
  return false;
}

/** Decodes unlabelled 8-bit bytes: UTF-8 if valid, else the best declared charset. */
export function decodeUnlabelledBytes(bytes: Buffer, hints: string[]): string {
  if (looksLikeUtf8(bytes)) {
    return bytes.toString('utf8');
  }
  for (const charset of hints.filter((hint) => MULTI_BYTE.has(hint))) {
    const decoded = iconv.decode(bytes, charset);
    if (!decoded.includes('\uFFFD')) {
      return decoded;
    }
  }
  const singleByte = hints.find((hint) => !MULTI_BYTE.has(hint)) ?? FALLBACK_CHARSET;
  const charset = singleByte === FALLBACK_CHARSET && looksLikeCyrillic(bytes) ? 'windows-1251' : singleByte;
  return iconv.decode(bytes, charset);
}

/**
 * Russian mail often carries raw Windows-1251 headers while declaring only Latin-1 elsewhere.
 * In Windows-1251 whole words are made of bytes 0xC0-0xFF; in Latin text, accented letters sit
 * inside otherwise ASCII words ("Grüße"). So: if almost every word (3+ letters) that has 8-bit
 * bytes consists only of them, read it as Cyrillic.
 */
function looksLikeCyrillic(bytes: Buffer): boolean {
  const words = bytes.toString('latin1').match(/[A-Za-z\u00a8\u00b8\u00c0-\u00ff]{3,}/g) ?? [];
  const withHighBytes = words.filter((word) => /[\u00a8\u00b8\u00c0-\u00ff]/.test(word));
  const onlyHighBytes = withHighBytes.filter((word) => /^[\u00a8\u00b8\u00c0-\u00ff]+$/.test(word));
  return onlyHighBytes.length >= 2 && onlyHighBytes.length >= 0.8 * withHighBytes.length;
}

/** Offset of the blank line that ends the header block (the whole buffer when there is none). */
export function headerBlockEnd(raw: Buffer): number {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const ends = [crlf, lf].filter((index) => index >= 0);
  return ends.length > 0 ? Math.min(...ends) : raw.length;
}

/**
 * Encoded words labelled ISO-2022-JP whose payload holds 8-bit bytes are Shift_JIS (a known
 * Japanese webmail bug); relabel them so the parser decodes them with the right table.
 */
function relabelMislabelledJapaneseWords(line: string): string {
  return line.replace(/=\?iso-2022-jp\?b\?([A-Za-z0-9+/=]+)\?=/gi, (word: string, payload: string) =>
    hasHighByte(Buffer.from(payload, 'base64')) ? `=?SHIFT_JIS?B?${payload}?=` : word,
  );
}

/**
 * Returns the message with its top-level header block rewritten as UTF-8 where it held raw 8-bit
 * bytes in another charset. The body is left untouched (its parts carry their own charsets).
 */
export function repairHeaderBytes(raw: Buffer, hints: string[]): Buffer {
  const end = headerBlockEnd(raw);
  const header = raw.subarray(0, end);
  const hasJapaneseWords = /=\?iso-2022-jp\?b\?/i.test(header.toString('latin1'));
  if (!hasHighByte(header) && !hasJapaneseWords) {
    return raw;
  }
  const lines: Buffer[] = [];
  let changed = false;
  let start = 0;
  while (start < header.length) {
    const newline = header.indexOf(0x0a, start);
    const stop = newline < 0 ? header.length : newline + 1;
    const line = header.subarray(start, stop);
    const text = isUtf8(line) ? line.toString('utf8') : decodeUnlabelledBytes(line, hints);
    const repaired = Buffer.from(relabelMislabelledJapaneseWords(text), 'utf8');
    changed ||= !repaired.equals(line);
    lines.push(repaired);
    start = stop;
  }
  return changed ? Buffer.concat([...lines, raw.subarray(end)]) : raw;
}

/**
 * Repairs a MIME parameter value (such as a file name) that the sender wrote as raw 8-bit bytes.
 * The parser reads those bytes as Latin-1; when exactly those bytes occur in the raw message, the
 * value came from raw bytes (not from RFC 2231 or RFC 2047 encoding) and is decoded again.
 */
export function repairRawParameter(value: string, raw: Buffer, hints: string[]): string {
  const fitsLatin1 = /^[\x00-\xff]*$/.test(value);
  if (!fitsLatin1 || !/[\x80-\xff]/.test(value)) {
    return value;
  }
  const bytes = Buffer.from(value, 'latin1');
  return raw.includes(bytes) ? decodeUnlabelledBytes(bytes, hints) : value;
}
