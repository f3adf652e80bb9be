import { messageIdKey } from '../../libs/mail/message-id';
import { MessageAlreadyIngestedError } from './ticket-errors';
import { DomainError } from '../common/errors/domain-error';
import {
  claimedMessageId,
  commentContent,
  contactOf,
  type InboundEmail,
  MAX_PARTICIPANTS,
  ticketSubject,
} from './inbound-email';
import type { NewCommentData, NewMessageId, NewTicketComment, NewTicketData, StoredAttachment } from './ticket-writer';
import type { Ticket } from './ticket.entity';
import type { TicketRef } from './tickets.service';

/** A new ticket from an email, as a batch of them is written. */
export interface EmailTicketDraft {
  email: InboundEmail;
  /** Normalized, or null when the message has none. */
  messageId: string | null;
  attachments: StoredAttachment[];
  linkedTicketId: string | null;
}

/*
 * What a batch of new tickets is made of is worked out below, in loops inside module-level functions:
 * not in arrows made per call, whose optimized code V8 drops at each full GC, nor in the async methods
 * themselves, which a loop would get compiled whole (docs/ARCHITECTURE.md, "Hot paths").
 */

/** Every email has a sender address, and no two share a Message-ID. */
export function assertTicketable(emails: InboundEmail[]): void {
  for (const email of emails) {
    if (!contactOf(email.from).email.includes('@')) {
      throw new DomainError('validation', 'SENDER_REQUIRED', 'A message has no sender address');
    }
  }
  const seen = new Set<string>();
  for (const email of emails) {
    // An empty key (a Message-ID of control characters only) is no Message-ID, as everywhere else.
    const messageId = claimedMessageId(email);
    if (!messageId) continue;
    if (seen.has(messageId)) throw new MessageAlreadyIngestedError(messageId, null);
    seen.add(messageId);
  }
}

export function newTicketsOf(drafts: EmailTicketDraft[], at: Date): NewTicketData[] {
  const tickets: NewTicketData[] = [];
  for (const { email, linkedTicketId } of drafts) {
    const requester = contactOf(email.from);
    tickets.push({
      subject: ticketSubject(email.subject),
      requester,
      participants: participantsOf(email, requester.email),
      source: 'email',
      status: 'new',
      linkedTicketId,
      at,
    });
  }
  return tickets;
}

/** Each new ticket's first comment (the email), and the Message-IDs that thread to it. */
export function firstCommentsOf(
  drafts: EmailTicketDraft[],
  tickets: Ticket[],
  at: Date,
): { messageIds: NewMessageId[]; comments: NewTicketComment[] } {
  const messageIds: NewMessageId[] = [];
  const comments: NewTicketComment[] = [];
  for (const [index, { email, messageId, attachments }] of drafts.entries()) {
    const ticket = tickets[index];
    if (messageId) messageIds.push({ ticketId: ticket.id, messageId, direction: 'inbound' });
    comments.push({ ticketId: ticket.id, data: requesterComment(email, ticket.requesterId, attachments, at) });
  }
  return { messageIds, comments };
}

/** The comment an email from the customer becomes. */
export function requesterComment(
  email: InboundEmail,
  authorContactId: string,
  attachments: StoredAttachment[],
  at: Date,
): NewCommentData {
  return {
    kind: 'requester',
    authorContactId,
    authorUserId: null,
    content: commentContent(email),
    internal: false,
    receivedAt: email.receivedAt,
    attachments,
    at,
  };
}

/** The usable, normalized keys of these Message-IDs, in order. */
export function messageIdKeysOf(messageIds: string[]): string[] {
  const keys: string[] = [];
  for (const id of messageIds) {
    const key = messageIdKey(id);
    if (key !== null) keys.push(key);
  }
  return keys;
}

export function firstKnownTicket(keys: string[], known: Map<string, string>): string | undefined {
  for (const key of keys) {
    const ticketId = known.get(key);
    if (ticketId !== undefined) return ticketId;
  }
  return undefined;
}

export function refOf(ticket: Ticket): TicketRef {
  return { ticketId: ticket.id, number: ticket.number, status: ticket.status };
}

/** Cc'd people other than the sender, without duplicates or empty addresses, capped. */
export function participantsOf(email: InboundEmail, senderEmail: string) {
  const seen = new Set([senderEmail]);
  const people = [];
  for (const address of email.cc) {
    const person = contactOf(address);
    if (!person.email.includes('@') || seen.has(person.email)) continue;
    seen.add(person.email);
    people.push(person);
    if (people.length === MAX_PARTICIPANTS) break;
  }
  return people;
}
