/**
 * Trimming helpers that run in one pass. The patterns they replace (`/[ \t]+$/gm`, `/\n+$/`) are
 * retried from every character of a run of blanks that is not at a line end, so 100 KB of spaces
 * followed by one letter cost seconds.
 */

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** Where a line terminator in the JavaScript sense starts (what `$` with the m flag stops before). */
function isLineTerminator(code: number): boolean {
  return code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029;
}

/** The text without spaces and tabs at its end (other whitespace stays). */
export function trimTrailingBlanks(text: string): string {
  let end = text.length;
  while (end > 0 && isBlank(text.charCodeAt(end - 1))) {
    end--;
  }
  return end === text.length ? text : text.slice(0, end);
}

/** Each line without spaces and tabs at its end: `text.replace(/[ \t]+$/gm, '')`. */
export function trimTrailingBlanksPerLine(text: string): string {
  let result = '';
  let lineStart = 0;
  for (let at = 0; at <= text.length; at++) {
    if (at === text.length || isLineTerminator(text.charCodeAt(at))) {
      result += trimTrailingBlanks(text.slice(lineStart, at));
      if (at < text.length) {
        result += text[at];
      }
      lineStart = at + 1;
    }
  }
  return result;
}

/** The text without line feeds at its end: `text.replace(/\n+$/, '')`. */
export function trimTrailingLineFeeds(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x0a) {
    end--;
  }
  return text.slice(0, end);
}
