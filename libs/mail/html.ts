import { compile, type SelectorDefinition } from 'html-to-text';
import sanitizeHtml from 'sanitize-html';
import { limitHtmlNesting } from './html-nesting';
import { trimTrailingBlanksPerLine } from './text-lines';

/**
 * HTML bodies from mail are hostile input: they are shown to agents inside our own UI.
 *
 * Decisions:
 * - No scripts, styles sheets, forms, frames, event handlers or `javascript:` URLs.
 * - Inline `style` attributes are kept for a whitelist of layout and text properties (mail
 *   layout depends on them), but never with `url(...)` or `expression(...)`, which would load
 *   remote content or run code.
 * - Images: `cid:` (inline parts, resolved by the UI), `https:` and small `data:image/*` URLs.
 *   Plain `http:` images are dropped (mixed content, and trivially spoofable).
 *   1x1 / 0x0 images are dropped: they are tracking pixels with no visible content. Other
 *   remote images are kept; whether to load them is a UI decision (proxy or click-to-load).
 * - Links keep http(s)/mailto/tel targets and open in a new tab without a referrer.
 * - Classes and ids are dropped so mail CSS cannot collide with ours (there is none left anyway).
 */

const SAFE_CSS_VALUE = /^(?!.*(?:url|expression|image-set)\s*\()(?!.*(?:\\|javascript:))[-#%,.!'"\w\s()/]*$/i;
const STYLED_PROPERTIES = [
  'color',
  'background-color',
  'font-family',
  'font-size',
  'font-style',
  'font-weight',
  'text-align',
  'text-decoration',
  'text-indent',
  'line-height',
  'vertical-align',
  'white-space',
  'direction',
  'width',
  'max-width',
  'height',
  'margin',
  'margin-top',
  'margin-right',
  'margin-bottom',
  'margin-left',
  'padding',
  'padding-top',
  'padding-right',
  'padding-bottom',
  'padding-left',
  'border',
  'border-top',
  'border-right',
  'border-bottom',
  'border-left',
  'border-collapse',
  'border-color',
  'border-style',
  'border-width',
  'display',
  'list-style-type',
];

const INLINE_IMAGE_DATA_URL = /^data:image\/(?:png|jpe?g|gif|webp);base64,[a-z0-9+/=\s]+$/i;

function isTrackingPixel(attributes: sanitizeHtml.Attributes): boolean {
  const style = (attributes.style ?? '').replace(/\s+/g, '').toLowerCase();
  const tiny = (value: string | undefined): boolean => value !== undefined && /^[01](?:px)?$/i.test(value.trim());
  return (
    (tiny(attributes.width) && tiny(attributes.height)) ||
    (/(?:^|;)width:[01]px/.test(style) && /(?:^|;)height:[01]px/.test(style))
  );
}

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    ...sanitizeHtml.defaults.allowedTags.filter((tag) => tag !== 'style'),
    'img',
    'font',
    'center',
    'del',
    'ins',
  ],
  allowedAttributes: {
    '*': ['style', 'dir', 'lang', 'title', 'align'],
    a: ['href', 'name', 'target', 'rel'],
    img: ['src', 'alt', 'width', 'height'],
    font: ['color', 'face', 'size'],
    table: ['width', 'border', 'cellpadding', 'cellspacing', 'bgcolor'],
    td: ['colspan', 'rowspan', 'valign', 'width', 'bgcolor'],
    th: ['colspan', 'rowspan', 'valign', 'width', 'bgcolor'],
    ol: ['start', 'type'],
  },
  allowedStyles: {
    '*': Object.fromEntries(STYLED_PROPERTIES.map((property) => [property, [SAFE_CSS_VALUE]])),
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['https', 'cid', 'data'] },
  allowProtocolRelative: false,
  // The text of these elements is never content (titles, Office XML islands, script sources).
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'xml'],
  transformTags: {
    a: (tagName, attributes) => ({
      tagName,
      attribs: { ...attributes, target: '_blank', rel: 'noopener noreferrer nofollow' },
    }),
  },
  exclusiveFilter: (frame) =>
    frame.tag === 'img' &&
    (!frame.attribs.src ||
      (frame.attribs.src.startsWith('data:') && !INLINE_IMAGE_DATA_URL.test(frame.attribs.src)) ||
      isTrackingPixel(frame.attribs)),
};

/** Returns HTML that is safe to embed in the agent UI (see the decisions above). */
export function sanitizeEmailHtml(html: string): string {
  return sanitizeHtml(limitHtmlNesting(html, MAX_HTML_NESTING), SANITIZE_OPTIONS);
}

/**
 * Rendering rules shared by every HTML-to-text conversion: no images; headings as written;
 * layout tables read row by row with a space between cells (mail clients lay out quoted
 * "From: … Sent: …" headers and whole newsletters as tables).
 */
export const PLAIN_TEXT_SELECTORS: SelectorDefinition[] = [
  { selector: 'img', format: 'skip' },
  { selector: 'h1', options: { uppercase: false } },
  { selector: 'h2', options: { uppercase: false } },
  { selector: 'h3', options: { uppercase: false } },
  { selector: 'tr', format: 'block', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
  { selector: 'td', format: 'inlineSurround', options: { suffix: ' ' } },
  { selector: 'th', format: 'inlineSurround', options: { suffix: ' ' } },
];

/**
 * How deep mail HTML may nest before it reaches the parser; deeper tags are blanked out (see
 * html-nesting.ts). Real mail stays far below; the parser's cost per tag grows with the depth.
 */
export const MAX_HTML_NESTING = 256;

/** Guards against pathological nesting (mail bombs that overflow recursive renderers). */
export const PLAIN_TEXT_LIMITS = { maxDepth: 400, maxInputLength: 5_000_000 };

/**
 * Plain-text rendering of mail HTML for display and search: no line wrapping (quote markers
 * like "On … wrote:" must stay on one line), link targets shown only when they differ from the
 * link text.
 */
const renderPlainText = compile({
  wordwrap: false,
  limits: PLAIN_TEXT_LIMITS,
  selectors: [
    ...PLAIN_TEXT_SELECTORS,
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true, noAnchorUrl: true } },
  ],
});

export function htmlToPlainText(html: string): string {
  // Table cells leave a space at the end of each row.
  return trimTrailingBlanksPerLine(renderPlainText(limitHtmlNesting(html, MAX_HTML_NESTING))).trim();
}
