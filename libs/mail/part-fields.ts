/**
 * The fields of a MIME part as mailparser reports them, read defensively. mailparser types them as
 * strings, but a malformed message breaks that: a part whose Content-Type is empty or only
 * parameters (`Content-Type: ;name=a.pdf`) has `contentType: false`, and a header that a sender
 * repeats or that mailparser structures can come back as an array or an object. Mail is hostile
 * input, so every field is checked here once instead of trusted at each use.
 */

/** What a part without a readable media type is: opaque bytes (RFC 2046 §4.5.1). */
export const UNKNOWN_CONTENT_TYPE = 'application/octet-stream';

/** The part fields this module reads; everything is `unknown` because none of it can be trusted. */
export interface RawPartFields {
  contentType?: unknown;
  filename?: unknown;
  cid?: unknown;
  contentId?: unknown;
}

/** The first string of a value that may be a string, an array of values, or anything else. */
export function firstString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (const item of value) if (typeof item === 'string') return item;
  }
  return undefined;
}

/** `type/subtype` in the characters RFC 6838 allows in names; anything else names no media type. */
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

/**
 * Lower-case `type/subtype` without parameters; `application/octet-stream` when there is none or
 * it is no media type at all ("multip art/related", "text/plain\u00ff charset=x" of a damaged header).
 */
export function partContentType(part: RawPartFields): string {
  const value = firstString(part.contentType)?.split(';')[0].trim().toLowerCase() ?? '';
  return MEDIA_TYPE.test(value) ? value : UNKNOWN_CONTENT_TYPE;
}

/** The file name the sender gave, as mailparser decoded it; '' when there is none. */
export function partFilename(part: RawPartFields): string {
  return firstString(part.filename) ?? '';
}

/** Content-ID without angle brackets; null when the part has none. */
export function partContentId(part: RawPartFields): string | null {
  const id = (firstString(part.cid) ?? firstString(part.contentId) ?? '').replace(/^<|>$/g, '').trim();
  return id.length > 0 ? id : null;
}
