import { sanitizeFilename } from '../../libs/mail/attachment-filename';
import { sanitizeEmailHtml } from '../../libs/mail/html';
import { messageIdKey } from '../../libs/mail/message-id';
import type { ContactInput } from './contacts.repository';

/** What Sync hands over for one parsed message (a `ParsedMessage` from libs/mail fits it field by field). */
export interface InboundEmail {
  subject: string;
  from: { address: string; name: string };
  /** To and Cc addresses other than the support mailbox itself (the caller filters that out). */
  cc: { address: string; name: string }[];
  /** With or without angle brackets; null when the message has none. */
  messageId: string | null;
  /**
   * Another, different message already carries this Message-ID (a reused one): the ticket or comment is
   * made all the same, without claiming the id for threading, which stays with the first message's ticket.
   */
  messageIdTaken?: boolean;
  /** The visible text: quoted history and signature stripped. */
  text: string | null;
  /** The HTML body as received; sanitized here before it is stored, unless `safeHtml` is given. */
  html: string | null;
  /** `html` already sanitized (by the sync, off the main thread): stored as it is. */
  safeHtml?: string | null;
  /** The whole text before stripping. */
  fullText: string | null;
  attachments: InboundAttachment[];
  /** When the mail was received (Date header or arrival time); stored on the comment. */
  receivedAt: Date | null;
}

export interface InboundAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
  /** Without angle brackets; null when the part has none. */
  contentId: string | null;
  inline: boolean;
  /** Already in attachment storage (stored by the sync before its transaction, or streamed there). */
  storedAs?: { key: string; size: number } | null;
}

/** Cc lists beyond this are not recorded as participants (a mass mailing is not a conversation). */
export const MAX_PARTICIPANTS = 100;
const MAX_SUBJECT = 1000;

const NUL = /\u0000/g;
const CONTROLS = /[\u0000-\u001f\u007f]+/g;
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

/** PostgreSQL text cannot hold NUL characters, and broken mail has them. */
export function storableText(text: string): string {
  return text.replace(NUL, '');
}

/** One line, no control characters (CR/LF included), at most `max` characters. */
export function singleLine(text: string, max: number): string {
  return text.replace(CONTROLS, ' ').trim().slice(0, max);
}

export function ticketSubject(subject: string): string {
  return singleLine(subject, MAX_SUBJECT) || '(no subject)';
}

export function contactOf(address: { address: string; name: string }): ContactInput {
  return { email: singleLine(address.address, 320).toLowerCase(), name: singleLine(address.name ?? '', 200) };
}

/** The Message-ID this email claims for threading: none when another message already has it. */
export function claimedMessageId(email: Pick<InboundEmail, 'messageId' | 'messageIdTaken'>): string | null {
  return email.messageIdTaken ? null : messageIdKey(email.messageId);
}

export interface CommentContent {
  body: string;
  html: string | null;
  fullBody: string | null;
}

export function commentContent(email: Pick<InboundEmail, 'text' | 'html' | 'safeHtml' | 'fullText'>): CommentContent {
  const body = storableText(email.text ?? email.fullText ?? '');
  const fullText = email.fullText === null ? null : storableText(email.fullText);
  const safeHtml = email.safeHtml !== undefined ? email.safeHtml : email.html ? sanitizeEmailHtml(email.html) : null;
  const html = safeHtml ? storableText(safeHtml).trim() : '';
  return { body, html: html || null, fullBody: fullText !== null && fullText !== body ? fullText : null };
}

export interface AttachmentMetadata {
  filename: string;
  contentType: string;
  contentId: string | null;
  inline: boolean;
}

export function attachmentMetadata(attachment: InboundAttachment): AttachmentMetadata {
  const contentType = (attachment.contentType ?? '').split(';')[0].trim().toLowerCase();
  const contentId = attachment.contentId ? singleLine(attachment.contentId.replace(/^<|>$/g, ''), 500) : '';
  return {
    filename: storableText(sanitizeFilename(attachment.filename ?? '')).slice(0, 255) || 'attachment',
    contentType: MEDIA_TYPE.test(contentType) && contentType.length <= 255 ? contentType : 'application/octet-stream',
    contentId: contentId || null,
    inline: Boolean(attachment.inline),
  };
}
