/**
 * File names for attachments: the sender's name made safe to show and store, or a generated
 * one for parts that have none (inline images, forwarded messages, delivery reports).
 */

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  'image/pjpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/bmp': 'bmp',
  'image/webp': 'webp',
  'image/tiff': 'tif',
  'image/svg+xml': 'svg',
  'text/plain': 'txt',
  'text/html': 'html',
  'text/calendar': 'ics',
  'text/csv': 'csv',
  'text/xml': 'xml',
  'text/rfc822-headers': 'txt',
  'message/rfc822': 'eml',
  'message/global': 'eml',
  'message/delivery-status': 'txt',
  'message/disposition-notification': 'txt',
  'message/feedback-report': 'txt',
  'application/pdf': 'pdf',
  'application/zip': 'zip',
  'application/json': 'json',
  'application/xml': 'xml',
  'application/ms-tnef': 'dat',
  'application/pgp-signature': 'asc',
  'application/pgp-encrypted': 'pgp',
  'application/pkcs7-signature': 'p7s',
  'application/x-pkcs7-signature': 'p7s',
  'application/pkcs7-mime': 'p7m',
  'application/x-pkcs7-mime': 'p7m',
  'video/quicktime': 'mov',
  'video/mp4': 'mp4',
  'audio/mpeg': 'mp3',
};

/** The word a generated name starts with, so a list of attachments still reads sensibly. */
function stemFor(contentType: string): string {
  if (contentType === 'message/delivery-status') {
    return 'delivery-status';
  }
  if (contentType === 'text/rfc822-headers') {
    return 'message-headers';
  }
  if (contentType === 'text/html') {
    return 'document';
  }
  const [type] = contentType.split('/');
  if (type === 'image' || type === 'video' || type === 'audio' || type === 'message' || type === 'text') {
    return type;
  }
  return 'attachment';
}

function extensionFor(contentType: string): string {
  const known = EXTENSIONS[contentType];
  if (known) {
    return known;
  }
  const [type, subtype = ''] = contentType.split('/');
  const simpleSubtype = /^[a-z0-9]{2,5}$/.test(subtype);
  return (type === 'image' || type === 'video' || type === 'audio') && simpleSubtype ? subtype : 'bin';
}

/**
 * Makes a sender-supplied name safe: no directory part (a name like `../../etc/passwd` keeps
 * only `passwd`), no control characters, no surrounding whitespace, at most 200 characters
 * (the extension is kept when shortening). Returns '' when nothing usable is left.
 */
export function sanitizeFilename(name: string): string {
  const withoutControls = name.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  const lastSegment = withoutControls.split(/[/\\]/).pop() ?? '';
  const trimmed = lastSegment.trim();
  if (trimmed === '.' || trimmed === '..') {
    return '';
  }
  if (trimmed.length <= 200) {
    return trimmed;
  }
  const extension = /\.[^.\s]{1,10}$/.exec(trimmed)?.[0] ?? '';
  return trimmed.slice(0, 200 - extension.length) + extension;
}

/**
 * Outlook names inline images only through their Content-ID (`image001.png@01D4...`); the
 * part before the `@` is the real file name.
 */
export function filenameFromContentId(contentId: string | null): string | null {
  const match = contentId ? /^([^@\s/\\]+\.[a-z0-9]{2,5})@/i.exec(contentId) : null;
  return match ? match[1] : null;
}

/**
 * Names unnamed parts per kind: the first plainly (image.png, delivery-status.txt), the next ones
 * numbered from 1 (image1.jpg, image2.gif), as Zammad names them, so a message with one unnamed
 * image or one delivery report gets the name a helpdesk user already knows.
 */
export class GeneratedFilenames {
  private readonly counters = new Map<string, number>();

  next(contentType: string, preferredStem?: string): string {
    const extension = extensionFor(contentType);
    // A subject or description is not a path: "Invoice 2024/01" keeps both halves.
    const stem = preferredStem ? sanitizeFilename(preferredStem.replace(/[/\\]/g, '-')) : '';
    if (stem) {
      return `${stem}.${extension}`;
    }
    const kind = stemFor(contentType);
    const count = this.counters.get(kind) ?? 0;
    this.counters.set(kind, count + 1);
    return `${kind}${count === 0 ? '' : count}.${extension}`;
  }
}
