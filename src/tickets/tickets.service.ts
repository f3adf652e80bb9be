import { messageIdKey } from '../../libs/mail/message-id';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainEventPublisher } from '../database/domain-event-publisher';
import { DomainError, NotFoundError } from '../common/errors/domain-error';
import { TransactionRunner } from '../database/transaction-runner';
import { CommentsRepository } from './comments.repository';
import { ContactsRepository } from './contacts.repository';
import { contactOf, InboundEmail, claimedMessageId, storableText } from './inbound-email';
import { MessageIdsRepository } from './message-ids.repository';
import { TicketParticipantsRepository } from './ticket-participants.repository';
import { nextActivityAt, StoredAttachment, TicketWriter } from './ticket-writer';
import type { Ticket } from './ticket.entity';
import { MessageAlreadyIngestedError } from './ticket-errors';
import type { TicketStatus } from './ticket-values';
import { TicketsRepository } from './tickets.repository';
import {
  assertTicketable,
  type EmailTicketDraft,
  firstCommentsOf,
  firstKnownTicket,
  messageIdKeysOf,
  newTicketsOf,
  participantsOf,
  refOf,
  requesterComment,
} from './email-ticket-drafts';

export interface TicketRef {
  ticketId: string;
  number: number;
  status: TicketStatus;
}

export interface CreatedTicket {
  ticketId: string;
  number: number;
  commentId: string;
}

export interface EmailCommentResult {
  /**
   * `commented`: added to the ticket; `reopened`: added, and it moved a resolved ticket back to
   * open; `new-ticket`: the ticket was closed, so the mail started a new ticket linked to it.
   */
  outcome: 'commented' | 'reopened' | 'new-ticket';
  /** The ticket that received the comment: the new one for `new-ticket`. */
  ticketId: string;
  number: number;
  commentId: string;
  reopened: boolean;
  createdTicket: boolean;
  /** For `new-ticket`: the closed ticket it follows up. */
  linkedTicketId: string | null;
}

/**
 * What other modules (Sync, the Mailer) do with tickets. Every write takes an optional manager: given
 * one opened by TransactionRunner.run, it joins that transaction as a savepoint (a failure undoes only
 * its own part); otherwise it runs in a transaction of its own. Domain events are published after the
 * commit of whichever transaction that is, and never for work that was rolled back.
 */
@Injectable()
export class TicketsService {
  constructor(
    private readonly writer: TicketWriter,
    private readonly tickets: TicketsRepository,
    private readonly contacts: ContactsRepository,
    private readonly participants: TicketParticipantsRepository,
    private readonly messageIds: MessageIdsRepository,
    private readonly transactions: TransactionRunner,
    private readonly events: DomainEventPublisher,
    private readonly comments: CommentsRepository,
  ) {}

  /** Bytes of attachments the organization's tickets hold (what its storage quota counts, with the raw mail). */
  storedAttachmentBytes(organizationId: string): Promise<number> {
    return this.comments.attachmentBytes(organizationId);
  }

  /** The ticket of the first id (in the order given, closest reference first) that belongs to one. */
  async findTicketByMessageIds(
    organizationId: string,
    messageIds: string[],
    manager?: EntityManager,
  ): Promise<TicketRef | null> {
    const keys = messageIdKeysOf(messageIds);
    const known = await this.messageIds.findTickets(organizationId, keys, manager);
    const ticketId = firstKnownTicket(keys, known);
    const ticket = ticketId ? await this.tickets.findById(organizationId, ticketId, manager) : null;
    return ticket ? refOf(ticket) : null;
  }

  /**
   * The ticket with this number, only when `senderEmail` is its requester or a participant: a
   * subject token is guessable, so a stranger's `[#42]` must not write into someone else's ticket.
   */
  async findTicketForToken(
    organizationId: string,
    number: number,
    senderEmail: string,
    manager?: EntityManager,
  ): Promise<TicketRef | null> {
    if (!Number.isSafeInteger(number) || number < 1) return null;
    const [ticket, sender] = await Promise.all([
      this.tickets.findByNumber(organizationId, number, manager),
      this.contacts.findByEmail(organizationId, senderEmail.trim(), manager),
    ]);
    if (!ticket || !sender) return null;
    const allowed =
      ticket.requesterId === sender.id ||
      (await this.participants.isParticipant(organizationId, ticket.id, sender.id, manager));
    return allowed ? refOf(ticket) : null;
  }

  /** Which of these Message-IDs belong to a ticket of the organization (normalized), in one query. */
  async knownMessageIds(organizationId: string, messageIds: string[], manager?: EntityManager): Promise<Set<string>> {
    const keys = messageIdKeysOf(messageIds);
    return new Set((await this.messageIds.findTickets(organizationId, keys, manager)).keys());
  }

  ticketExists(organizationId: string, ticketId: string, manager?: EntityManager): Promise<boolean> {
    return this.tickets.exists(organizationId, ticketId, manager);
  }

  /** A new ticket from a message that threads to none. */
  async createTicketFromEmail(
    organizationId: string,
    email: InboundEmail,
    manager?: EntityManager,
  ): Promise<CreatedTicket> {
    return this.ingest(organizationId, email, manager, async (transaction, messageId, attachments) => {
      if (messageId) await this.writer.assertUnknownMessage(transaction, organizationId, messageId);
      return this.openTicket(transaction, organizationId, email, messageId, attachments, null);
    });
  }

  /**
   * New tickets from messages that thread to none, as createTicketFromEmail makes them, written
   * together in a few statements (a sync batch), straight in the caller's transaction: a batch is
   * written often, and a savepoint of its own and a re-read of the Message-IDs (which the unique index
   * guards anyway) were three more round trips each time. Any failure, such as a Message-ID the
   * organization already has, rejects the call with part of it possibly written: the caller undoes
   * that (a savepoint of its own) and can then go through the messages one by one to find the one at
   * fault.
   */
  async createTicketsFromEmails(
    organizationId: string,
    emails: InboundEmail[],
    transaction: EntityManager,
  ): Promise<CreatedTicket[]> {
    if (emails.length === 0) return [];
    assertTicketable(emails);
    const drafts: EmailTicketDraft[] = [];
    for (const email of emails) {
      const attachments = await this.writer.storeAttachments(email.attachments);
      drafts.push({ email, messageId: claimedMessageId(email), attachments, linkedTicketId: null });
    }
    return this.openTickets(transaction, organizationId, drafts);
  }

  /**
   * A reply on a ticket: a resolved (or pending) ticket goes back to open; a closed ticket stays
   * closed and the mail starts a new ticket linked to it (or joins the open follow-up it already has).
   */
  async addEmailComment(
    organizationId: string,
    ticketId: string,
    email: InboundEmail,
    manager?: EntityManager,
  ): Promise<EmailCommentResult> {
    return this.ingest(organizationId, email, manager, async (transaction, messageId, attachments) => {
      let ticket = await this.tickets.findById(organizationId, ticketId, transaction, true);
      if (!ticket) throw new NotFoundError('Ticket');
      if (messageId) await this.writer.assertUnknownMessage(transaction, organizationId, messageId);
      const linkedTicketId = ticket.status === 'closed' ? ticket.id : null;
      if (linkedTicketId) {
        const followUp = await this.tickets.findOpenFollowUp(organizationId, linkedTicketId, transaction);
        ticket = followUp && (await this.tickets.findById(organizationId, followUp.id, transaction, true));
        if (!ticket) {
          const created = await this.openTicket(
            transaction,
            organizationId,
            email,
            messageId,
            attachments,
            linkedTicketId,
          );
          return { outcome: 'new-ticket', ...created, reopened: false, createdTicket: true, linkedTicketId };
        }
      }
      return this.replyOn(transaction, organizationId, ticket, email, messageId, attachments);
    });
  }

  /**
   * An internal note from the system, e.g. that one of our notifications bounced or was held back. It
   * does not move the ticket's last activity, which is a person's message (agents sort by it to see
   * who is waiting, and a bounce is not news from the customer); it does mark the ticket changed
   * (`updated_at`), so `updatedSince` reports it.
   */
  async addSystemNote(
    organizationId: string,
    ticketId: string,
    text: string,
    manager?: EntityManager,
  ): Promise<{ ticketId: string; commentId: string }> {
    return this.transactions.join(manager, async (transaction) => {
      const ticket = await this.tickets.findById(organizationId, ticketId, transaction, true);
      if (!ticket) throw new NotFoundError('Ticket');
      const at = nextActivityAt(ticket);
      const commentId = await this.writer.addComment(transaction, organizationId, ticket.id, {
        kind: 'system',
        authorContactId: null,
        authorUserId: null,
        content: { body: storableText(text), html: null, fullBody: null },
        internal: true,
        receivedAt: null,
        attachments: [],
        at,
      });
      await this.tickets.update(organizationId, ticket.id, {}, transaction);
      this.publishCommented(transaction, organizationId, ticket, commentId, {
        kind: 'system',
        internal: true,
        reopened: false,
      });
      return { ticketId: ticket.id, commentId };
    });
  }

  /** Remembers the Message-ID of mail we sent for the ticket, so replies to it thread back. Idempotent. */
  async recordOutboundMessageId(
    organizationId: string,
    ticketId: string,
    messageId: string,
    manager?: EntityManager,
  ): Promise<void> {
    const key = messageIdKey(messageId);
    if (!key) throw new DomainError('validation', 'INVALID_MESSAGE_ID', 'Not a usable Message-ID');
    await this.transactions.join(manager, async (transaction) => {
      if (!(await this.tickets.exists(organizationId, ticketId, transaction))) throw new NotFoundError('Ticket');
      const owner = (await this.messageIds.findTickets(organizationId, [key], transaction)).get(key);
      if (owner === ticketId) return;
      if (owner) throw new MessageAlreadyIngestedError(key, owner);
      await this.writer.recordMessageId(transaction, organizationId, ticketId, key, 'outbound');
    });
  }

  /** Every Message-ID of the ticket's thread, oldest first (for In-Reply-To/References of our replies). */
  async listThreadMessageIds(organizationId: string, ticketId: string): Promise<string[]> {
    return (await this.messageIds.listForTicket(organizationId, ticketId)).map((row) => row.messageId);
  }

  /**
   * Stores the attachment bytes, then runs an ingestion step in (a savepoint of) the transaction. A
   * duplicate found only by the unique index, after a concurrent transaction committed the same id,
   * is reported with its ticket.
   */
  private async ingest<T>(
    organizationId: string,
    email: InboundEmail,
    manager: EntityManager | undefined,
    work: (transaction: EntityManager, messageId: string | null, attachments: StoredAttachment[]) => Promise<T>,
  ): Promise<T> {
    if (!contactOf(email.from).email.includes('@')) {
      throw new DomainError('validation', 'SENDER_REQUIRED', 'The message has no sender address');
    }
    const messageId = claimedMessageId(email);
    const attachments = await this.writer.storeAttachments(email.attachments);
    try {
      return await this.transactions.join(manager, (transaction) => work(transaction, messageId, attachments));
    } catch (error) {
      if (error instanceof MessageAlreadyIngestedError && error.ticketId === null) {
        const owner = (await this.messageIds.findTickets(organizationId, [error.messageId], manager)).get(
          error.messageId,
        );
        throw new MessageAlreadyIngestedError(error.messageId, owner ?? null);
      }
      throw error;
    }
  }

  private async openTicket(
    transaction: EntityManager,
    organizationId: string,
    email: InboundEmail,
    messageId: string | null,
    attachments: StoredAttachment[],
    linkedTicketId: string | null,
  ): Promise<CreatedTicket> {
    const [created] = await this.openTickets(transaction, organizationId, [
      { email, messageId, attachments, linkedTicketId },
    ]);
    return created;
  }

  /** Tickets from emails, each with its first comment, in a few statements for all of them. */
  private async openTickets(
    transaction: EntityManager,
    organizationId: string,
    drafts: EmailTicketDraft[],
  ): Promise<CreatedTicket[]> {
    const at = new Date();
    const tickets = await this.writer.createTickets(transaction, organizationId, newTicketsOf(drafts, at));
    const { messageIds, comments } = firstCommentsOf(drafts, tickets, at);
    await this.writer.recordMessageIds(transaction, organizationId, messageIds);
    const commentIds = await this.writer.addComments(transaction, organizationId, comments);
    return this.announceCreated(transaction, organizationId, drafts, tickets, commentIds);
  }

  /** Publishes `ticket.created` for each new ticket (after the commit); answers what was created. */
  private announceCreated(
    transaction: EntityManager,
    organizationId: string,
    drafts: EmailTicketDraft[],
    tickets: Ticket[],
    commentIds: string[],
  ): CreatedTicket[] {
    const created: CreatedTicket[] = [];
    for (const [index, ticket] of tickets.entries()) {
      this.events.publishAfterCommit(transaction, 'ticket.created', {
        organizationId,
        ticketId: ticket.id,
        ticketNumber: ticket.number,
        commentId: commentIds[index],
        source: 'email',
        linkedTicketId: drafts[index].linkedTicketId,
      });
      created.push({ ticketId: ticket.id, number: ticket.number, commentId: commentIds[index] });
    }
    return created;
  }

  private async replyOn(
    transaction: EntityManager,
    organizationId: string,
    ticket: Ticket,
    email: InboundEmail,
    messageId: string | null,
    attachments: StoredAttachment[],
  ): Promise<EmailCommentResult> {
    const at = nextActivityAt(ticket);
    const sender = contactOf(email.from);
    const people = await this.contacts.upsertMany(
      organizationId,
      [sender, ...participantsOf(email, sender.email)],
      transaction,
    );
    const author = people.get(sender.email)!;
    await this.writer.addParticipants(
      transaction,
      organizationId,
      ticket,
      [...people.values()].map((contact) => contact.id),
    );
    if (messageId) await this.writer.recordMessageId(transaction, organizationId, ticket.id, messageId, 'inbound');
    const commentId = await this.writer.addComment(
      transaction,
      organizationId,
      ticket.id,
      requesterComment(email, author.id, attachments, at),
    );
    const reopened = ticket.status === 'resolved';
    // The customer answered: a resolved ticket reopens, a pending one (waiting for them) is open again.
    const status: TicketStatus = reopened || ticket.status === 'pending' ? 'open' : ticket.status;
    await this.tickets.update(organizationId, ticket.id, { status, lastActivityAt: at }, transaction);
    this.publishCommented(transaction, organizationId, ticket, commentId, {
      kind: 'requester',
      internal: false,
      reopened,
    });
    return {
      outcome: reopened ? 'reopened' : 'commented',
      ticketId: ticket.id,
      number: ticket.number,
      commentId,
      reopened,
      createdTicket: false,
      linkedTicketId: null,
    };
  }

  private publishCommented(
    transaction: EntityManager,
    organizationId: string,
    ticket: Ticket,
    commentId: string,
    details: { kind: 'requester' | 'agent' | 'system'; internal: boolean; reopened: boolean },
  ): void {
    this.events.publishAfterCommit(transaction, 'ticket.commented', {
      organizationId,
      ticketId: ticket.id,
      ticketNumber: ticket.number,
      commentId,
      source: 'email',
      ...details,
    });
  }
}
