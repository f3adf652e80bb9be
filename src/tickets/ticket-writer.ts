import { Injectable } from '@nestjs/common';
import { timeOrderedId } from '../../libs/ids/time-ordered-id';
import type { EntityManager } from 'typeorm';
import { isUniqueViolation } from '../database/unique-violation';
import { AttachmentStorage } from '../storage/attachment-storage';
import { CommentsRepository } from './comments.repository';
import type { ContactInput } from './contacts.repository';
import { ContactsRepository } from './contacts.repository';
import {
  attachmentMetadata,
  AttachmentMetadata,
  CommentContent,
  InboundAttachment,
  MAX_PARTICIPANTS,
} from './inbound-email';
import { MessageIdsRepository } from './message-ids.repository';
import { TicketParticipantsRepository } from './ticket-participants.repository';
import type { Ticket } from './ticket.entity';
import { MessageAlreadyIngestedError } from './ticket-errors';
import type { CommentKind, MessageDirection, TicketSource, TicketStatus } from './ticket-values';
import { type NewTicket, TicketsRepository } from './tickets.repository';
import type { Attachment } from './attachment.entity';
import type { Comment } from './comment.entity';
import type { Contact } from './contact.entity';

export interface StoredAttachment extends AttachmentMetadata {
  storageKey: string;
  size: number;
}

export interface NewTicketData {
  subject: string;
  requester: ContactInput;
  participants: ContactInput[];
  source: TicketSource;
  status: TicketStatus;
  linkedTicketId: string | null;
  at: Date;
}

export interface NewCommentData {
  kind: CommentKind;
  authorContactId: string | null;
  authorUserId: string | null;
  content: CommentContent;
  internal: boolean;
  receivedAt: Date | null;
  attachments: StoredAttachment[];
  at: Date;
}

/** A comment to add, and the ticket it goes on. */
export interface NewTicketComment {
  ticketId: string;
  data: NewCommentData;
}

export interface NewMessageId {
  ticketId: string;
  messageId: string;
  direction: MessageDirection;
}

/**
 * The time of a new comment: now, but always after the ticket's last one, so the conversation
 * keeps its order even when two comments land within the same millisecond.
 */
export function nextActivityAt(ticket: Pick<Ticket, 'lastActivityAt'>): Date {
  return new Date(Math.max(Date.now(), ticket.lastActivityAt.getTime() + 1));
}

/** The participants a ticket may have among these contacts: never its requester, at most the limit. */
function participantIdsOf(ticket: Pick<Ticket, 'requesterId'>, contactIds: string[]): string[] {
  const ids: string[] = [];
  for (const id of contactIds) {
    if (ids.length === MAX_PARTICIPANTS) break;
    if (id !== ticket.requesterId) ids.push(id);
  }
  return ids;
}

/*
 * The rows a batch writes are built below, in loops inside module-level functions: not in arrows made
 * per call, whose optimized code V8 drops at each full GC, nor in the async methods themselves, which a
 * loop would get compiled whole (docs/ARCHITECTURE.md, "Hot paths").
 */

/** Every requester and participant of the tickets, for one upsert. */
function peopleOf(data: NewTicketData[]): ContactInput[] {
  const everyone: ContactInput[] = [];
  for (const ticket of data) everyone.push(ticket.requester, ...ticket.participants);
  return everyone;
}

function ticketRows(data: NewTicketData[], people: Map<string, Contact>): NewTicket[] {
  const rows: NewTicket[] = [];
  for (const ticket of data) {
    rows.push({
      id: timeOrderedId(),
      subject: ticket.subject,
      status: ticket.status,
      priority: 'normal',
      requesterId: people.get(ticket.requester.email)!.id,
      assigneeId: null,
      source: ticket.source,
      linkedTicketId: ticket.linkedTicketId,
      createdAt: ticket.at,
      lastActivityAt: ticket.at,
    });
  }
  return rows;
}

function participantEntries(
  tickets: Ticket[],
  data: NewTicketData[],
  people: Map<string, Contact>,
): { ticketId: string; contactIds: string[] }[] {
  const entries: { ticketId: string; contactIds: string[] }[] = [];
  for (const [index, ticket] of tickets.entries()) {
    const contactIds: string[] = [];
    for (const person of data[index].participants) contactIds.push(people.get(person.email)!.id);
    entries.push({ ticketId: ticket.id, contactIds: participantIdsOf(ticket, contactIds) });
  }
  return entries;
}

/** The comment rows (with new ids, in order) and their attachments' rows. */
function commentRows(entries: NewTicketComment[]): {
  ids: string[];
  comments: Omit<Comment, 'organizationId'>[];
  attachments: Omit<Attachment, 'organizationId'>[];
} {
  const ids: string[] = [];
  const comments: Omit<Comment, 'organizationId'>[] = [];
  const attachments: Omit<Attachment, 'organizationId'>[] = [];
  for (const { ticketId, data } of entries) {
    const id = timeOrderedId();
    ids.push(id);
    comments.push({
      id,
      ticketId,
      authorContactId: data.authorContactId,
      authorUserId: data.authorUserId,
      kind: data.kind,
      ...data.content,
      internal: data.internal,
      receivedAt: data.receivedAt,
      createdAt: data.at,
    });
    for (const attachment of data.attachments) {
      attachments.push({ id: timeOrderedId(), ticketId, commentId: id, ...attachment, createdAt: data.at });
    }
  }
  return { ids, comments, attachments };
}

/**
 * The steps that write a ticket's data, each inside the transaction it is given. The service
 * composes them; nothing here opens a transaction or publishes an event.
 */
@Injectable()
export class TicketWriter {
  constructor(
    private readonly contacts: ContactsRepository,
    private readonly tickets: TicketsRepository,
    private readonly participants: TicketParticipantsRepository,
    private readonly comments: CommentsRepository,
    private readonly messageIds: MessageIdsRepository,
    private readonly storage: AttachmentStorage,
  ) {}

  /** Stores the bytes before any row points at them (content-addressed: a retry stores nothing new). */
  async storeAttachments(attachments: InboundAttachment[]): Promise<StoredAttachment[]> {
    const stored: StoredAttachment[] = [];
    for (const attachment of attachments) {
      const { key, size } = attachment.storedAs ?? (await this.storage.put(attachment.content));
      stored.push({ ...attachmentMetadata(attachment), storageKey: key, size });
    }
    return stored;
  }

  async createTicket(manager: EntityManager, organizationId: string, data: NewTicketData): Promise<Ticket> {
    const [ticket] = await this.createTickets(manager, organizationId, [data]);
    return ticket;
  }

  /** Tickets numbered in the order given, with their people, in a few statements for all of them. */
  async createTickets(manager: EntityManager, organizationId: string, data: NewTicketData[]): Promise<Ticket[]> {
    const people = await this.contacts.upsertMany(organizationId, peopleOf(data), manager);
    const tickets = await this.tickets.insertMany(organizationId, ticketRows(data, people), manager);
    await this.participants.addMany(organizationId, participantEntries(tickets, data, people), manager);
    return tickets;
  }

  /** Adds contacts as participants of the ticket; the requester is never one of them. */
  async addParticipants(
    manager: EntityManager,
    organizationId: string,
    ticket: Ticket,
    contactIds: string[],
  ): Promise<void> {
    await this.participants.add(organizationId, ticket.id, participantIdsOf(ticket, contactIds), manager);
  }

  async addComment(
    manager: EntityManager,
    organizationId: string,
    ticketId: string,
    data: NewCommentData,
  ): Promise<string> {
    const [id] = await this.addComments(manager, organizationId, [{ ticketId, data }]);
    return id;
  }

  /** Comments (with their attachments) on any tickets, in two statements; returns their ids in order. */
  async addComments(manager: EntityManager, organizationId: string, entries: NewTicketComment[]): Promise<string[]> {
    const { ids, comments, attachments } = commentRows(entries);
    await this.comments.insertMany(organizationId, comments, manager);
    await this.comments.insertAttachments(organizationId, attachments, manager);
    return ids;
  }

  /** Refuses an id the organization already has, before anything is written for it. */
  async assertUnknownMessage(manager: EntityManager, organizationId: string, messageId: string): Promise<void> {
    const known = await this.messageIds.findTickets(organizationId, [messageId], manager);
    const ticketId = known.get(messageId);
    if (ticketId) throw new MessageAlreadyIngestedError(messageId, ticketId);
  }

  /** The unique index is the final word when two transactions race with the same id. */
  async recordMessageId(
    manager: EntityManager,
    organizationId: string,
    ticketId: string,
    messageId: string,
    direction: MessageDirection,
  ): Promise<void> {
    await this.recordMessageIds(manager, organizationId, [{ ticketId, messageId, direction }]);
  }

  /** Several ids in one statement; an id the organization already has fails them all. */
  async recordMessageIds(manager: EntityManager, organizationId: string, rows: NewMessageId[]): Promise<void> {
    try {
      await this.messageIds.insertMany(organizationId, rows, manager);
    } catch (error) {
      if (isUniqueViolation(error) && rows.length === 1) throw new MessageAlreadyIngestedError(rows[0].messageId, null);
      throw error;
    }
  }
}
