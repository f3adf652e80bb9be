/**
 * Seeded mutations of raw messages for the parse-path fuzz spec: the ways real mail breaks
 * (truncation, repeated and oddly folded headers, wrong charsets, broken base64 and
 * quoted-printable, huge header lines, NUL bytes, deep MIME nesting, boundaries that never close).
 * Everything is derived from a seed, so any failing case can be rebuilt from the seed and its index.
 */

/** A random number generator: `next()` in [0, 1). */
export interface Random {
  next(): number;
  /** An integer in [0, bound). */
  below(bound: number): number;
  pick<T>(items: readonly T[]): T;
}

/** mulberry32: a tiny, fast 32-bit PRNG, plenty for choosing mutations. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const below = (bound: number): number => Math.floor(next() * bound);
  return { next, below, pick: (items) => items[below(items.length)] };
}

/** The generator of one case: independent of every other case, so a case can be rerun alone. */
export function caseRandom(seed: number, index: number): Random {
  return mulberry32((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
}

/** Bytes as a string of the same length (one character per byte), so edits keep every byte. */
const text = (raw: Buffer): string => raw.toString('latin1');
const bytes = (value: string): Buffer => Buffer.from(value, 'latin1');

function headerEnd(value: string): number {
  const end = value.search(/\r?\n\r?\n/);
  return end < 0 ? value.length : end;
}

function insertAt(value: string, at: number, piece: string): string {
  return value.slice(0, at) + piece + value.slice(at);
}

/** Start offsets of the header lines (not continuation lines) of the top header block. */
function headerLineStarts(value: string): number[] {
  const end = headerEnd(value);
  const starts = [0];
  for (let at = value.indexOf('\n'); at >= 0 && at < end; at = value.indexOf('\n', at + 1)) {
    if (!/[ \t]/.test(value[at + 1] ?? ' ')) starts.push(at + 1);
  }
  return starts.filter((start) => start < end);
}

function lineAt(value: string, start: number): string {
  const stop = value.indexOf('\n', start);
  return value.slice(start, stop < 0 ? value.length : stop + 1);
}

const CHARSETS = ['utf-8', 'iso-8859-1', 'gb2312', 'shift_jis', 'iso-2022-jp', 'utf-7', 'x-unknown', 'koi8-r', ''];

type Mutation = (value: string, random: Random) => string;

/** Each mutation, named so that a failure says what was done to the message. */
export const MUTATIONS: Record<string, Mutation> = {
  truncate: (value, random) => value.slice(0, random.below(value.length + 1)),
  repeatHeader: (value, random) => {
    const start = random.pick(headerLineStarts(value));
    const line = lineAt(value, start);
    return insertAt(value, start, line.repeat(1 + random.below(50)));
  },
  repeatContentType: (value, random) =>
    insertAt(value, 0, random.pick(['Content-Type:\r\n', 'Content-Type: text/html\r\n', 'Content-Type: ;name=x\r\n'])),
  foldOddly: (value, random) => {
    let result = value;
    for (let count = 1 + random.below(8); count > 0; count--) {
      const at = random.below(headerEnd(result) + 1);
      result = insertAt(result, at, random.pick(['\r\n ', '\n\t', '\r\n \r\n ', '\r', '\r\n\t\t\t', '\n \n']));
    }
    return result;
  },
  wrongCharset: (value, random) =>
    value.replace(/charset\s*=\s*"?[\w.:-]*"?/gi, () => `charset=${random.pick(CHARSETS)}`),
  dropCharset: (value) => value.replace(/;\s*charset\s*=\s*"?[\w.:-]*"?/gi, ''),
  wrongEncodedWordCharset: (value, random) => value.replace(/=\?[\w.:-]+\?/g, () => `=?${random.pick(CHARSETS)}?`),
  breakTransferEncoding: (value, random) => {
    let result = value;
    for (let count = 1 + random.below(20); count > 0; count--) {
      const at = headerEnd(result) + random.below(Math.max(1, result.length - headerEnd(result)));
      result = insertAt(result, at, random.pick(['=', '=Z', '=\r\n', '==', '!', '@@@', '=3', '\u00ff', '====\r\n']));
    }
    return result;
  },
  swapTransferEncoding: (value, random) =>
    value.replace(/content-transfer-encoding:[^\r\n]*/gi, () =>
      random.pick([
        'Content-Transfer-Encoding: base64',
        'Content-Transfer-Encoding: quoted-printable',
        'Content-Transfer-Encoding: x-uuencode',
        'Content-Transfer-Encoding:',
      ]),
    ),
  hugeHeaderLine: (value, random) => {
    const filler = random.pick(['a', '=?utf-8?B?', ' ', '<a@b>, ', '\u00e9', '=?']).repeat(1 + random.below(10));
    const line = random.pick([
      'Subject: ',
      'X-Long: ',
      'References: ',
      'To: ',
      'From: ',
      'Content-Type: text/plain; a=',
    ]);
    return line + filler.repeat(Math.ceil(100_000 / filler.length)) + '\r\n' + value;
  },
  nulBytes: (value, random) => {
    let result = value;
    for (let count = 1 + random.below(10); count > 0; count--)
      result = insertAt(result, random.below(result.length + 1), '\0');
    return result;
  },
  highBytesInHeaders: (value, random) => {
    let result = value;
    for (let count = 1 + random.below(10); count > 0; count--) {
      result = insertAt(result, random.below(headerEnd(result) + 1), String.fromCharCode(0x80 + random.below(128)));
    }
    return result;
  },
  flipBytes: (value, random) => {
    const chars = value.split('');
    for (let count = 1 + random.below(30); count > 0 && chars.length > 0; count--) {
      chars[random.below(chars.length)] = String.fromCharCode(random.below(256));
    }
    return chars.join('');
  },
  nestDeep: (value, random) => {
    const depth = 50 + random.below(100);
    const rfc822 = random.next() < 0.5;
    let result = value;
    for (let level = 0; level < depth; level++) {
      result = rfc822
        ? `Content-Type: message/rfc822\r\n\r\n${result}`
        : `Content-Type: multipart/mixed; boundary="n${level}"\r\n\r\n--n${level}\r\n${result}\r\n--n${level}--\r\n`;
    }
    return `From: nest@example.com\r\nSubject: nested\r\nMIME-Version: 1.0\r\n${result}`;
  },
  neverCloseBoundary: (value) => value.replace(/^--([^\r\n]*?)--[ \t]*$/gm, '--$1'),
  renameBoundary: (value) => value.replace(/boundary\s*=\s*"?([^";\r\n]+)"?/gi, 'boundary="never-used-$1"'),
};

export const MUTATION_NAMES = Object.keys(MUTATIONS);

/** One fuzz case: a message made from `base` by one to three named mutations. */
export function mutateMessage(base: Buffer, random: Random): { raw: Buffer; applied: string[] } {
  const applied: string[] = [];
  let value = text(base);
  for (let count = 1 + random.below(3); count > 0; count--) {
    const name = random.pick(MUTATION_NAMES);
    applied.push(name);
    value = MUTATIONS[name](value, random);
  }
  return { raw: bytes(value), applied };
}
