/** A header field that describes the body (Content-Type, Content-Transfer-Encoding, …). */
const CONTENT_FIELD = /^content-[^:\s]*\s*:/i;

/**
 * The message that stands in for one too large to download: its own header block (sender, subject,
 * Message-ID, threading headers) with `note` as a plain-text body. The fields that describe the
 * original body go: kept, a multipart Content-Type would make the parser read the note as the
 * preamble of a multipart body and drop it, and a base64 transfer encoding would garble it.
 */
export function oversizedStandIn(headerBlock: Buffer, note: string): Buffer {
  // latin1 maps every byte to one character and back, so 8-bit header bytes stay exactly as they were.
  const lines = headerBlock
    .toString('latin1')
    .replace(/(?:\r?\n)+$/, '')
    .split(/\r?\n/);
  const kept: string[] = [];
  let dropping = false;
  for (const line of lines) {
    const continuation = /^[ \t]/.test(line);
    if (!continuation) dropping = CONTENT_FIELD.test(line);
    if (!dropping) kept.push(line);
  }
  return Buffer.concat([
    Buffer.from(`${kept.join('\r\n')}\r\n`, 'latin1'),
    Buffer.from(`Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${note}\r\n`),
  ]);
}
