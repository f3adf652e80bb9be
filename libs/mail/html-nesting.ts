/**
 * Bounds how deep HTML from mail nests before it reaches htmlparser2 (under sanitize-html and
 * html-to-text). The parser keeps its open elements in an array it shifts at the front for every
 * opening tag, so each tag costs the current depth: 1 MB of unclosed `<div>` took 23 s to sanitize.
 *
 * Opening tags deeper than the limit are replaced by a space, and so are the closing tags that
 * match them: their text stays, as text of the deepest element kept. Real mail nests a few dozen
 * levels (tables in tables); only hostile or broken mail reaches the limit.
 *
 * The scan follows the parser closely enough never to count fewer open elements than it holds
 * (comments, raw-text elements and quoted attribute values hide `</x>` from it); counting more only
 * makes the limit apply a little earlier.
 */

const VOID_ELEMENTS = new Set([
  'area',
  'base',
  'basefont',
  'br',
  'col',
  'command',
  'embed',
  'frame',
  'hr',
  'image',
  'img',
  'input',
  'isindex',
  'keygen',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);

/** Elements whose content the parser reads as text up to their closing tag. */
const RAW_TEXT_ELEMENTS = new Set(['script', 'style', 'title', 'textarea', 'xmp']);

function isAsciiLetter(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
}

function isTagNameEnd(code: number, closing: boolean): boolean {
  // A closing tag's name runs to whitespace or ">" ("</div/x>" closes "div/x", nothing open).
  return code === 0x3e || isWhitespace(code) || (code === 0x2f && !closing);
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d;
}

type TagState = 'beforeName' | 'name' | 'afterName' | 'beforeValue' | 'unquoted' | 'selfClosing';

/**
 * Where the opening tag whose name ends at `from` ends (just past its `>`, -1 when the input ends
 * first) and whether it closes itself ("/>"): the attribute states of htmlparser2's tokenizer, as
 * quotes hide a `>` and a "/" in an unquoted value does not close the tag.
 */
function openingTagEnd(html: string, from: number): { end: number; selfClosing: boolean } {
  let state: TagState = 'beforeName';
  for (let at = from; at < html.length; at++) {
    const code = html.charCodeAt(at);
    if (state === 'beforeValue' && (code === 0x22 || code === 0x27)) {
      const closing = html.indexOf(html[at], at + 1);
      if (closing < 0) {
        return { end: -1, selfClosing: false };
      }
      at = closing;
      state = 'beforeName';
    } else if (state === 'beforeValue' || state === 'unquoted') {
      if (code === 0x3e) {
        return { end: at + 1, selfClosing: false };
      }
      state = isWhitespace(code) ? (state === 'unquoted' ? 'beforeName' : state) : 'unquoted';
    } else if (code === 0x3e) {
      return { end: at + 1, selfClosing: state === 'selfClosing' };
    } else if (code === 0x3d && (state === 'name' || state === 'afterName')) {
      state = 'beforeValue';
    } else if (code === 0x2f) {
      state = 'selfClosing';
    } else if (isWhitespace(code)) {
      state = state === 'name' ? 'afterName' : state;
    } else {
      state = 'name';
    }
  }
  return { end: -1, selfClosing: false };
}

/** Index just past the end of what starts at `at` when it is not a tag (comment, declaration …). */
function skipNonTag(html: string, at: number): number {
  if (html.startsWith('<!--', at)) {
    const end = html.indexOf('-->', at + 4);
    return end < 0 ? html.length : end + 3;
  }
  if (html.startsWith('<![CDATA[', at)) {
    const end = html.indexOf(']]>', at + 9);
    return end < 0 ? html.length : end + 3;
  }
  const code = html.charCodeAt(at + 1);
  // "<!doctype …>", "<?xml …>" and "</ …>" are read up to the next ">"; anything else is text.
  if (code === 0x21 || code === 0x3f || code === 0x2f) {
    const end = html.indexOf('>', at + 2);
    return end < 0 ? html.length : end + 1;
  }
  return at + 1;
}

/** Index of the closing tag of a raw-text element, or the end of the input. */
function rawTextEnd(html: string, name: string, from: number): number {
  const closing = new RegExp(`</${name}(?=[ \\t\\n\\f\\r>])`, 'gi');
  closing.lastIndex = from;
  return closing.exec(html)?.index ?? html.length;
}

/** The HTML with opening tags nested deeper than `maxDepth` (and their closing tags) blanked out. */
export function limitHtmlNesting(html: string, maxDepth: number): string {
  const open: string[] = [];
  const overflow: string[] = [];
  let kept = '';
  let copiedTo = 0;
  let at = html.indexOf('<');
  while (at >= 0) {
    const closing = html.charCodeAt(at + 1) === 0x2f;
    const nameStart = at + (closing ? 2 : 1);
    if (!isAsciiLetter(html.charCodeAt(nameStart))) {
      at = html.indexOf('<', skipNonTag(html, at));
      continue;
    }
    let nameEnd = nameStart;
    while (nameEnd < html.length && !isTagNameEnd(html.charCodeAt(nameEnd), closing)) {
      nameEnd++;
    }
    const closingEnd = closing ? html.indexOf('>', nameEnd) : -1;
    const { end, selfClosing } = closing
      ? { end: closingEnd < 0 ? -1 : closingEnd + 1, selfClosing: false }
      : openingTagEnd(html, nameEnd);
    if (end < 0) {
      break;
    }
    const name = html.slice(nameStart, nameEnd).toLowerCase();
    let blank = false;
    let next = end;
    if (closing) {
      if (overflow.length > 0 && overflow[overflow.length - 1] === name) {
        overflow.pop();
        blank = true;
      } else {
        const index = open.lastIndexOf(name);
        if (index >= 0) {
          open.length = index;
        }
      }
    } else if (VOID_ELEMENTS.has(name)) {
      // never held open
    } else if (open.length >= maxDepth) {
      overflow.push(name);
      blank = true;
    } else {
      open.push(name);
      if (RAW_TEXT_ELEMENTS.has(name) && !selfClosing) {
        next = rawTextEnd(html, name, end);
      }
    }
    if (blank) {
      kept += `${html.slice(copiedTo, at)} `;
      copiedTo = end;
    }
    at = html.indexOf('<', next);
  }
  return copiedTo === 0 ? html : kept + html.slice(copiedTo);
}
