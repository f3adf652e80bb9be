/**
 * Response headers for serving a stored attachment. Mail attachments are hostile: an HTML or SVG
 * file shown inline on our origin would run its scripts with the agent's session. So only raster
 * images (what inline `cid:` parts are) may display inline; everything else is a download, the
 * browser may not guess another type, and a sandboxing CSP covers anything that still renders.
 */

const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp']);
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

export interface AttachmentHeaders {
  'Content-Type': string;
  'Content-Length': string;
  'Content-Disposition': string;
  'X-Content-Type-Options': 'nosniff';
  'Content-Security-Policy': string;
  'Cache-Control': string;
}

export function attachmentHeaders(attachment: {
  filename: string;
  contentType: string;
  size: number;
}): AttachmentHeaders {
  const contentType = MEDIA_TYPE.test(attachment.contentType) ? attachment.contentType : 'application/octet-stream';
  const disposition = INLINE_TYPES.has(contentType) ? 'inline' : 'attachment';
  return {
    'Content-Type': contentType,
    'Content-Length': String(attachment.size),
    'Content-Disposition': contentDisposition(disposition, attachment.filename),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cache-Control': 'private, max-age=3600',
  };
}

/**
 * RFC 6266: an ASCII-only quoted `filename` for old clients and the exact name as RFC 8187
 * `filename*`. Control characters (CR/LF: header injection), path separators, quotes and
 * backslashes never reach the header.
 */
export function contentDisposition(type: 'inline' | 'attachment', filename: string): string {
  const name =
    filename
      .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
      .replace(/[/\\]/g, '_')
      .trim() || 'attachment';
  const fallback =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^\x20-\x7e]|["%;\\]/g, '_')
      .trim() || 'attachment';
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
