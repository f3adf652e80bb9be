/**
 * Decoder for `Content-Transfer-Encoding: x-uuencode` parts, which mailparser passes through
 * undecoded. Old Mac and Eudora clients sent attachments this way, often without the
 * `begin 644 name` line, so both forms are accepted.
 */

const UUENCODE_ENCODINGS = new Set(['x-uuencode', 'uuencode', 'x-uue']);

export function isUuencoded(transferEncoding: unknown): boolean {
  return typeof transferEncoding === 'string' && UUENCODE_ENCODINGS.has(transferEncoding.trim().toLowerCase());
}

/** Each character carries 6 bits, offset by 32; a backtick stands for zero. */
function sixBits(charCode: number): number {
  return (charCode - 32) & 0x3f;
}

export function uudecode(encoded: Buffer): Buffer {
  const chunks: Buffer[] = [];
  for (const line of encoded.toString('latin1').split(/\r?\n/)) {
    if (/^begin\s+\d+/.test(line) || line === 'end' || line.length === 0) {
      continue;
    }
    // The first character gives the number of bytes this line holds.
    const byteCount = sixBits(line.charCodeAt(0));
    if (byteCount === 0) {
      continue;
    }
    const bytes: number[] = [];
    for (let index = 1; bytes.length < byteCount && index < line.length; index += 4) {
      const [a, b, c, d] = [0, 1, 2, 3].map((offset) => sixBits(line.charCodeAt(index + offset) || 32));
      bytes.push(((a << 2) | (b >> 4)) & 0xff, ((b << 4) | (c >> 2)) & 0xff, ((c << 6) | d) & 0xff);
    }
    chunks.push(Buffer.from(bytes.slice(0, byteCount)));
  }
  return Buffer.concat(chunks);
}
