import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository, SelectQueryBuilder } from 'typeorm';
import { Comment } from './comment.entity';
import { TicketCounter } from './ticket-counter.entity';
import { Ticket } from './ticket.entity';
import type { TicketStatus } from './ticket-values';

export interface TicketListFilter {
  status?: TicketStatus;
  /** A user id, or null for unassigned tickets. */
  assigneeId?: string | null;
  requesterId?: string;
  /** Searched in subjects and comment bodies, case-insensitively, as a substring. */
  search?: string;
}

export interface TicketPage {
  items: Ticket[];
  total: number;
}

/** Escapes LIKE wildcards so a search for "100%" finds that text. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/**
 * The agents' ticket list: newest activity first, with `number` as the tie-breaker so pages are
 * stable. Each filter combination is served by one of the tickets indexes (organization first).
 */
@Injectable()
export class TicketListRepository {
  constructor(@InjectRepository(Ticket) private readonly tickets: Repository<Ticket>) {}

  async page(organizationId: string, filter: TicketListFilter, offset: number, limit: number): Promise<TicketPage> {
    const query = this.filtered(organizationId, filter);
    const unfiltered = !filter.status && filter.assigneeId === undefined && !filter.requesterId && !filter.search;
    const [items, total] = await Promise.all([
      query
        .clone()
        .orderBy('ticket.lastActivityAt', 'DESC')
        .addOrderBy('ticket.number', 'DESC')
        .offset(offset)
        .limit(limit)
        .getMany(),
      unfiltered ? this.ticketCount(organizationId) : this.count(query),
    ]);
    return { items, total };
  }

  /** COUNT(*) rather than getCount()'s COUNT(DISTINCT id): no joins here, and it is much cheaper. */
  private async count(query: SelectQueryBuilder<Ticket>): Promise<number> {
    const counted = await query.clone().select('COUNT(*)', 'total').getRawOne<{ total: number | string }>();
    return Number(counted?.total ?? 0);
  }

  /**
   * All of an organization's tickets, without counting them: numbers are handed out 1, 2, 3… by the
   * counter in the creating transaction (a rollback gives the number back) and tickets are never deleted,
   * so the counter is the exact total. Counting 100,000 rows dominated the first page of the list.
   */
  private async ticketCount(organizationId: string): Promise<number> {
    const counter = await this.tickets.manager.getRepository(TicketCounter).findOneBy({ organizationId });
    return counter?.lastNumber ?? 0;
  }

  private filtered(organizationId: string, filter: TicketListFilter): SelectQueryBuilder<Ticket> {
    const query = this.tickets
      .createQueryBuilder('ticket')
      .where('ticket.organizationId = :organizationId', { organizationId });
    if (filter.status) query.andWhere('ticket.status = :status', { status: filter.status });
    if (filter.assigneeId === null) query.andWhere('ticket.assigneeId IS NULL');
    else if (filter.assigneeId) query.andWhere('ticket.assigneeId = :assigneeId', { assigneeId: filter.assigneeId });
    if (filter.requesterId) query.andWhere('ticket.requesterId = :requesterId', { requesterId: filter.requesterId });
    if (filter.search) {
      const like = this.tickets.manager.connection.options.type === 'postgres' ? 'ILIKE' : 'LIKE';
      const inComments = query
        .subQuery()
        .select('1')
        .from(Comment, 'comment')
        .where('comment.organizationId = ticket.organizationId')
        .andWhere('comment.ticketId = ticket.id')
        .andWhere(`comment.body ${like} :pattern ESCAPE '\\'`)
        .getQuery();
      query.andWhere(
        new Brackets((search) => {
          search.where(`ticket.subject ${like} :pattern ESCAPE '\\'`).orWhere(`EXISTS ${inComments}`);
        }),
        { pattern: likePattern(filter.search) },
      );
    }
    return query;
  }
}
