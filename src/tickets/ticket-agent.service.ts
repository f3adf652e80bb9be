import { Injectable } from '@nestjs/common';
import type { TicketUpdatedEvent } from '../common/events/domain-events';
import { DomainEventPublisher } from '../database/domain-event-publisher';
import { DomainError, NotFoundError } from '../common/errors/domain-error';
import { TransactionRunner } from '../database/transaction-runner';
import { UsersService } from '../users/users.service';
import type { CreateCommentDto } from './dto/create-comment.dto';
import type { CreateTicketDto } from './dto/create-ticket.dto';
import type { UpdateTicketDto } from './dto/update-ticket.dto';
import { contactOf, storableText, ticketSubject } from './inbound-email';
import { nextActivityAt, TicketWriter } from './ticket-writer';
import type { Ticket } from './ticket.entity';
import type { TicketPatch } from './tickets.repository';
import { TicketsRepository } from './tickets.repository';

/** What an agent does to tickets through the API. Each action commits, then publishes its event. */
@Injectable()
export class TicketAgentService {
  constructor(
    private readonly tickets: TicketsRepository,
    private readonly writer: TicketWriter,
    private readonly users: UsersService,
    private readonly transactions: TransactionRunner,
    private readonly events: DomainEventPublisher,
  ) {}

  /** A ticket opened on the requester's behalf, with the agent's text as its first comment. */
  async create(organizationId: string, agentId: string, dto: CreateTicketDto): Promise<string> {
    return this.transactions.run(async (transaction) => {
      const at = new Date();
      const ticket = await this.writer.createTicket(transaction, organizationId, {
        subject: ticketSubject(dto.subject),
        requester: contactOf({ address: dto.requesterEmail, name: dto.requesterName ?? '' }),
        participants: [],
        source: 'api',
        status: 'open',
        linkedTicketId: null,
        at,
      });
      const commentId = await this.writer.addComment(transaction, organizationId, ticket.id, {
        kind: 'agent',
        authorContactId: null,
        authorUserId: agentId,
        content: { body: storableText(dto.body), html: null, fullBody: null },
        internal: false,
        receivedAt: null,
        attachments: [],
        at,
      });
      this.events.publishAfterCommit(transaction, 'ticket.created', {
        organizationId,
        ticketId: ticket.id,
        ticketNumber: ticket.number,
        commentId,
        source: 'api',
        linkedTicketId: null,
      });
      return ticket.id;
    });
  }

  async update(organizationId: string, agentId: string, ticketId: string, patchDto: UpdateTicketDto): Promise<void> {
    const dto = {
      ...patchDto,
      assigneeId: patchDto.assigneeId ? patchDto.assigneeId.toLowerCase() : patchDto.assigneeId,
    };
    if (dto.assigneeId) await this.assertAssignable(organizationId, dto.assigneeId);
    await this.transactions.run(async (transaction) => {
      const ticket = await this.tickets.findById(organizationId, ticketId, transaction, true);
      if (!ticket) throw new NotFoundError('Ticket');
      const changes = changesOf(ticket, dto);
      if (Object.keys(changes).length === 0) return;
      const patch: TicketPatch = {};
      if (changes.status) patch.status = dto.status;
      if (changes.priority) patch.priority = dto.priority;
      if (changes.assigneeId) patch.assigneeId = dto.assigneeId ?? null;
      await this.tickets.update(organizationId, ticket.id, patch, transaction);
      this.events.publishAfterCommit(transaction, 'ticket.updated', {
        organizationId,
        ticketId: ticket.id,
        ticketNumber: ticket.number,
        actorUserId: agentId,
        changes,
      });
    });
  }

  /** A public reply (the Mailer sends it to the requester) or an internal note. */
  async comment(organizationId: string, agentId: string, ticketId: string, dto: CreateCommentDto): Promise<string> {
    return this.transactions.run(async (transaction) => {
      const ticket = await this.tickets.findById(organizationId, ticketId, transaction, true);
      if (!ticket) throw new NotFoundError('Ticket');
      const at = nextActivityAt(ticket);
      const commentId = await this.writer.addComment(transaction, organizationId, ticket.id, {
        kind: 'agent',
        authorContactId: null,
        authorUserId: agentId,
        content: { body: storableText(dto.body), html: null, fullBody: null },
        internal: dto.internal,
        receivedAt: null,
        attachments: [],
        at,
      });
      await this.tickets.update(organizationId, ticket.id, { lastActivityAt: at }, transaction);
      this.events.publishAfterCommit(transaction, 'ticket.commented', {
        organizationId,
        ticketId: ticket.id,
        ticketNumber: ticket.number,
        commentId,
        source: 'api',
        kind: 'agent',
        internal: dto.internal,
        reopened: false,
      });
      return commentId;
    });
  }

  /** Only an active user of the same organization can be assigned. */
  private async assertAssignable(organizationId: string, userId: string): Promise<void> {
    const user = await this.users.get(organizationId, userId).catch((error: unknown) => {
      if (error instanceof NotFoundError) return null;
      throw error;
    });
    if (!user || user.disabled) {
      throw new DomainError(
        'validation',
        'UNKNOWN_ASSIGNEE',
        'The assignee must be an active user of your organization',
      );
    }
  }
}

function changesOf(ticket: Ticket, dto: UpdateTicketDto): TicketUpdatedEvent['changes'] {
  const changes: TicketUpdatedEvent['changes'] = {};
  if (dto.status !== undefined && dto.status !== ticket.status)
    changes.status = { from: ticket.status, to: dto.status };
  if (dto.priority !== undefined && dto.priority !== ticket.priority)
    changes.priority = { from: ticket.priority, to: dto.priority };
  if (dto.assigneeId !== undefined && (dto.assigneeId ?? null) !== ticket.assigneeId) {
    changes.assigneeId = { from: ticket.assigneeId, to: dto.assigneeId ?? null };
  }
  return changes;
}
