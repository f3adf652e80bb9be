import { simpleParser } from 'mailparser';

/** One raw header line as mailparser reports it: lower-case name and the full folded line. */
export interface RawHeaderLine {
  key: string;
  line: string;
}

function unfoldedValue(line: string): string {
  const colon = line.indexOf(':');
  const value = colon >= 0 ? line.slice(colon + 1) : '';
  // RFC 5322 unfolding removes the line break only; the folding whitespace stays.
  return value.replace(/\r?\n(?=[ \t])/g, '').trim();
}

/**
 * Decodes RFC 2047 encoded words with mailparser's own decoder (libmime), so header values
 * decode exactly like the subject does, ISO-2022-JP included. mailparser only decodes a few
 * known headers, so each value is passed through as the Subject of a one-line message.
 */
export async function decodeEncodedWords(value: string): Promise<string> {
  try {
    const parsed = await simpleParser(`Subject: ${value}\r\n\r\n`, { skipTextToHtml: true });
    return parsed.subject ?? value;
  } catch {
    // Decoding is a nicety: a value the parser refuses is still worth keeping raw.
    return value;
  }
}

/**
 * Builds the `headers` record of a parsed message: lower-case names, values in message order,
 * unfolded, with encoded words decoded. Structure (addresses, dates, parameters) is not
 * interpreted here; callers read the fields of `ParsedMessage` for that.
 */
export async function buildHeaderRecord(given: readonly RawHeaderLine[]): Promise<Record<string, string[]>> {
  // The parser's types promise strings; a line that is not one has nothing we could read. A line
  // without a name (no colon, or an empty message) is reported with key '' and is no header.
  const lines = given.filter(({ key, line }) => typeof key === 'string' && key.length > 0 && typeof line === 'string');
  const decoded = await Promise.all(
    lines.map(({ line }) => {
      const value = unfoldedValue(line);
      return value.includes('=?') ? decodeEncodedWords(value) : Promise.resolve(value);
    }),
  );
  // No prototype: header names come from the sender, and "__proto__: x" must stay plain data.
  const headers = Object.create(null) as Record<string, string[]>;
  lines.forEach(({ key }, index) => {
    (headers[key] ??= []).push(decoded[index]);
  });
  return headers;
}
