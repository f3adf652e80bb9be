/**
 * The framework-free result of parsing one raw RFC 5322 message. Plain data only, so it can be
 * passed between modules, stored or logged without dragging the parser library along.
 */

export interface MailAddress {
  /** Lower-cased address; never empty. */
  address: string;
  /** Decoded display name; empty string when the header gave none. */
  name: string;
}

export interface MailAttachment {
  /** The sender's file name, or one generated from the content type (`image.png`, `image1.png`). */
  filename: string;
  /** Lower-case MIME type without parameters, e.g. `application/pdf`. */
  contentType: string;
  /** Decoded size in bytes. */
  size: number;
  /** Content-ID without angle brackets, as used by `cid:` links; null when the part has none. */
  contentId: string | null;
  /** True when the HTML body shows this part through a `cid:` link, so a UI need not list it again. */
  inline: boolean;
  content: Buffer;
  /** SHA-256 of `content`, hex. */
  checksum: string;
  /**
   * Where the content is in attachment storage once stored (null until then). Parts of a large message
   * are streamed there instead of being held in memory: their `content` is empty, and `size` and
   * `checksum` (SHA-256) describe the stored bytes.
   */
  storedAs: { key: string; size: number } | null;
}

export interface ParsedMessage {
  /** Message-ID without angle brackets; null when the header is missing or empty. */
  messageId: string | null;
  inReplyTo: string[];
  references: string[];
  /** Decoded subject; empty string when absent. */
  subject: string;
  /**
   * The sender. A From header without a usable address falls back to Sender, then Reply-To
   * (as Zammad does), so a ticket still has someone to answer; null when none has an address.
   */
  from: MailAddress | null;
  replyTo: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  /** Null when the Date header is missing or cannot be read (never "now"). */
  date: Date | null;
  /**
   * Top-level headers by lower-case name, in order, unfolded. Encoded words are decoded where
   * present; everything else is the raw value, for auto-reply and bounce checks.
   */
  headers: Record<string, string[]>;
  /** The text/plain body; derived from the HTML when there is no usable plain part. */
  text: string | null;
  /** The text/html body with `cid:` links kept; not sanitised (see `sanitizeEmailHtml`). */
  html: string | null;
  attachments: MailAttachment[];
  /**
   * SHA-256 (hex) of a normalised form of the raw message, stable across relays and line-ending
   * changes, for de-duplication when the Message-ID is missing.
   */
  readonly contentHash: string;
}
