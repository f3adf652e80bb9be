import { Injectable } from '@nestjs/common';
import { DomainError, NotFoundError } from '../common/errors/domain-error';
import { UsersService } from '../users/users.service';
import type { Attachment } from './attachment.entity';
import type { Comment } from './comment.entity';
import type { Contact } from './contact.entity';
import { CommentsRepository } from './comments.repository';
import { ContactsRepository } from './contacts.repository';
import type { ListTicketsQuery } from './dto/list-tickets.query';
import type {
  AttachmentResponse,
  CommentAuthorResponse,
  CommentResponse,
  TicketDetailResponse,
} from './dto/ticket-detail.response';
import type { ContactResponse, TicketListResponse, TicketSummaryResponse } from './dto/ticket-summary.response';
import { TicketKeysetRepository, timestampText } from './ticket-keyset.repository';
import { TicketListCursors, type TicketListPosition } from './ticket-list-cursor';
import { TicketListFilter, TicketListItem, TicketListRepository } from './ticket-list.repository';
import { TicketParticipantsRepository } from './ticket-participants.repository';
import { ticketSnapshotOf, type TicketSnapshot } from './ticket-snapshot';
import type { Ticket } from './ticket.entity';
import { TicketsRepository } from './tickets.repository';

type UserNames = Map<string, string>;

/**
 * The agents' read side. Each response takes a fixed number of queries whatever its size: the
 * page (with its requesters) or ticket, then the contacts, comments, attachments and users it
 * mentions, each in one batch. Users are read by id, never the organization's whole list.
 */
@Injectable()
export class TicketViewsService {
  constructor(
    private readonly list: TicketListRepository,
    private readonly tickets: TicketsRepository,
    private readonly contacts: ContactsRepository,
    private readonly participants: TicketParticipantsRepository,
    private readonly comments: CommentsRepository,
    private readonly users: UsersService,
    private readonly keyset: TicketKeysetRepository,
    private readonly cursors: TicketListCursors,
  ) {}

  /**
   * A page of the list: by `page` (offsets, as before), or after `cursor` (TicketKeysetRepository). Page 1
   * is the same query either way, and its `nextCursor` begins an enumeration.
   */
  async page(organizationId: string, query: ListTicketsQuery): Promise<TicketListResponse> {
    const { page, pageSize, sort } = query;
    if (query.cursor && page !== 1) {
      throw new DomainError('validation', 'CURSOR_WITH_PAGE', 'Give either cursor or page, not both');
    }
    const filters = filtersOf(query);
    const position = query.cursor ? this.cursors.decode(organizationId, filters, sort, query.cursor) : null;
    const filter: TicketListFilter = { status: query.status, search: query.q };
    if (query.updatedSince) {
      filter.updatedSince = timestampText(Date.parse(query.updatedSince), this.list.timestampZone);
    }
    if (query.assignee)
      filter.assigneeId = query.assignee.toLowerCase() === 'none' ? null : query.assignee.toLowerCase();
    if (query.requester) {
      const requester = await this.contacts.findByEmail(organizationId, query.requester);
      if (!requester) return { items: [], total: 0, page, pageSize, nextCursor: null };
      filter.requesterId = requester.id;
    }
    let result: { items: TicketListItem[]; total: number; next: TicketListPosition | null };
    if (position) {
      const [keyset, total] = await Promise.all([
        this.keyset.page(organizationId, filter, position, pageSize),
        this.list.total(organizationId, filter),
      ]);
      result = { ...keyset, total };
    } else {
      const readAt = Date.now();
      const offsetPage = await this.list.page(organizationId, filter, (page - 1) * pageSize, pageSize, sort);
      const next = page === 1 ? this.keyset.positionAfterFirstPage(sort, offsetPage.items, pageSize, readAt) : null;
      result = { ...offsetPage, next };
    }
    const userNames = await this.users.namesByIds(
      organizationId,
      result.items.flatMap((ticket) => (ticket.assigneeId ? [ticket.assigneeId] : [])),
    );
    return {
      items: result.items.map((ticket) => summaryOf(ticket, ticket.requester, userNames)),
      total: result.total,
      page,
      pageSize,
      nextCursor: result.next ? this.cursors.encode(organizationId, filters, result.next) : null,
    };
  }

  async detail(organizationId: string, ticketId: string): Promise<TicketDetailResponse> {
    const ticket = await this.tickets.findById(organizationId, ticketId);
    if (!ticket) throw new NotFoundError('Ticket');
    const [participantIds, comments, attachments] = await Promise.all([
      this.participants.listContactIds(organizationId, ticket.id),
      this.comments.listForTicket(organizationId, ticket.id),
      this.comments.listAttachmentsForTicket(organizationId, ticket.id),
    ]);
    const contactIds = [
      ticket.requesterId,
      ...participantIds,
      ...comments.flatMap((c) => (c.authorContactId ? [c.authorContactId] : [])),
    ];
    const userIds = [
      ...(ticket.assigneeId ? [ticket.assigneeId] : []),
      ...comments.flatMap((c) => (c.authorUserId ? [c.authorUserId] : [])),
    ];
    const [contacts, userNames] = await Promise.all([
      this.contacts.findByIds(organizationId, contactIds),
      this.users.namesByIds(organizationId, userIds),
    ]);
    const byComment = new Map<string, AttachmentResponse[]>();
    for (const attachment of attachments) {
      byComment.set(attachment.commentId, [...(byComment.get(attachment.commentId) ?? []), attachmentOf(attachment)]);
    }
    return {
      ...summaryOf(ticket, contacts.get(ticket.requesterId), userNames),
      participants: participantIds.flatMap((id) => {
        const contact = contacts.get(id);
        return contact ? [contactOf(contact)] : [];
      }),
      linkedTicketId: ticket.linkedTicketId,
      comments: comments.map((comment) => commentOf(comment, contacts, userNames, byComment.get(comment.id) ?? [])),
    };
  }

  /** The ticket and its comments as other modules read them (notifications). */
  async snapshot(organizationId: string, ticketId: string): Promise<TicketSnapshot> {
    return ticketSnapshotOf(await this.detail(organizationId, ticketId));
  }

  /** One comment as the detail shows it (e.g. the one just added). */
  async comment(organizationId: string, ticketId: string, commentId: string): Promise<CommentResponse> {
    const comment = (await this.detail(organizationId, ticketId)).comments.find(
      (candidate) => candidate.id === commentId,
    );
    if (!comment) throw new NotFoundError('Comment');
    return comment;
  }

  /** Attachment metadata for a download; another organization's answers exactly like a missing one. */
  async attachment(organizationId: string, ticketId: string, attachmentId: string): Promise<Attachment> {
    const attachment = await this.comments.findAttachment(organizationId, ticketId, attachmentId);
    if (!attachment) throw new NotFoundError('Attachment');
    return attachment;
  }
}

/** The filters a cursor is bound to (its signature covers them): the same list, or an INVALID_CURSOR. */
function filtersOf(query: ListTicketsQuery): string {
  const { status, assignee, requester, q, updatedSince } = query;
  return JSON.stringify([status, assignee?.toLowerCase(), requester?.toLowerCase(), q, updatedSince]);
}

function contactOf(contact: Pick<Contact, 'email' | 'name'>): ContactResponse {
  return { email: contact.email, name: contact.name };
}

function summaryOf(
  ticket: TicketListItem | Ticket,
  requester: Pick<Contact, 'email' | 'name'> | null | undefined,
  userNames: UserNames,
): TicketSummaryResponse {
  return {
    id: ticket.id,
    number: ticket.number,
    subject: ticket.subject,
    status: ticket.status,
    priority: ticket.priority,
    requester: requester ? contactOf(requester) : { email: '', name: '' },
    assignee: ticket.assigneeId ? { id: ticket.assigneeId, name: userNames.get(ticket.assigneeId) ?? '' } : null,
    source: ticket.source,
    createdAt: isoTime(ticket.createdAt),
    updatedAt: isoTime(ticket.updatedAt),
    lastActivityAt: isoTime(ticket.lastActivityAt),
  };
}

/** Times leave as ISO strings (the list already reads them so; see TicketListItem). */
function isoTime(time: Date | string): string {
  return typeof time === 'string' ? time : time.toISOString();
}

function authorOf(comment: Comment, contacts: Map<string, Contact>, userNames: UserNames): CommentAuthorResponse {
  if (comment.authorUserId)
    return { name: userNames.get(comment.authorUserId) ?? 'Former user', userId: comment.authorUserId };
  const contact = comment.authorContactId ? contacts.get(comment.authorContactId) : undefined;
  if (contact) return { name: contact.name || contact.email, email: contact.email };
  return { name: 'System' };
}

function commentOf(
  comment: Comment,
  contacts: Map<string, Contact>,
  userNames: UserNames,
  attachments: AttachmentResponse[],
): CommentResponse {
  return {
    id: comment.id,
    author: authorOf(comment, contacts, userNames),
    kind: comment.kind,
    body: comment.body,
    fullBody: comment.fullBody,
    html: comment.html,
    internal: comment.internal,
    attachments,
    receivedAt: comment.receivedAt,
    createdAt: comment.createdAt,
  };
}

function attachmentOf(attachment: Attachment): AttachmentResponse {
  const { id, filename, contentType, size, inline, contentId } = attachment;
  return { id, filename, contentType, size, inline, contentId };
}
