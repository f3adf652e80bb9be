/**
 * Markers of quoted history in HTML replies: the separators clients put before it and the
 * containers they wrap it in. Used by reply-stripping.ts.
 */

/**
 * Where clients put the reply/forward separator in HTML. Everything from there on is history,
 * even though it is not nested inside one element, so a cut marker is placed before it. Each
 * pattern is tried on one opening tag at a time (see `findTag`).
 */
export const HTML_HISTORY_START: ReadonlyArray<{ tag: string; pattern: RegExp }> = [
  // Outlook on the web / new Outlook
  { tag: 'div', pattern: /^<div\b[^>]*\bid\s*=\s*["']?(?:divRplyFwdMsg|appendonsend|OLK_SRC_BODY_SECTION)\b[^>]*>/i },
  // Hotmail / Outlook.com (legacy), Zimbra
  { tag: 'hr', pattern: /^<hr\b[^>]*\bid\s*=\s*["']?(?:stopSpelling|zwchr)\b[^>]*>/i },
  // Outlook desktop: the thin rule above "From: … Sent: …"
  {
    tag: 'div',
    pattern:
      /^<div\b[^>]*\bstyle\s*=\s*["'][^"']*border:\s*none;\s*border-top:\s*solid[^"']*padding:\s*3\.0pt[^"']*["'][^>]*>/i,
  },
];

/**
 * Separator tags are a few hundred characters at most (an id, or a short style); a longer tag is
 * not one, and is not matched, which bounds what the patterns' backtracking costs per tag.
 */
const MAX_SEPARATOR_TAG_LENGTH = 2000;

/**
 * Index of the first `<name` tag whose text (up to its ">", or to the end of the input when
 * `needsEnd` is false) matches `pattern`; -1 when none does. Each stretch of text is read once: a
 * tag that starts inside the previous one's text cannot match where that one did not, since the
 * patterns' `[^>]*` would have reached it from the earlier start. Matching the patterns against
 * the whole body instead rescanned it to the end from every unclosed `<div` (1 MB: over a minute).
 */
export function findTag(html: string, name: string, pattern: RegExp, needsEnd: boolean): number {
  const starts = new RegExp(`<${name}\\b`, 'gi');
  for (let start = starts.exec(html); start; start = starts.exec(html)) {
    const close = html.indexOf('>', start.index);
    if (close < 0 && needsEnd) {
      return -1;
    }
    const end = close < 0 ? html.length : close + 1;
    if (end - start.index <= MAX_SEPARATOR_TAG_LENGTH && pattern.test(html.slice(start.index, end))) {
      return start.index;
    }
    starts.lastIndex = end;
  }
  return -1;
}

const QUOTE_CONTAINER_CLASS = /class\s*=\s*["'][^"']*\b(?:gmail_quote|yahoo_quoted|moz-cite-prefix)\b/i;
const CITE_BLOCKQUOTE = /^<blockquote\b[^>]*type\s*=\s*["']?cite/i;

/** Whether the HTML holds a container of quoted history (Gmail, Yahoo, Thunderbird, Apple Mail). */
export function hasQuoteContainer(html: string): boolean {
  return QUOTE_CONTAINER_CLASS.test(html) || findTag(html, 'blockquote', CITE_BLOCKQUOTE, false) >= 0;
}
