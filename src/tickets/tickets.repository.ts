import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Not, Repository } from 'typeorm';
import { insertRows } from '../database/insert-rows';
import { TicketCounter } from './ticket-counter.entity';
import { Ticket } from './ticket.entity';
import type { TicketPriority, TicketStatus } from './ticket-values';

export type NewTicket = Omit<Ticket, 'organizationId' | 'number' | 'updatedAt'>;

export interface TicketPatch {
  status?: TicketStatus;
  priority?: TicketPriority;
  assigneeId?: string | null;
  lastActivityAt?: Date;
}

/** The only place that touches the tickets and ticket_counters tables. Organization id first. */
@Injectable()
export class TicketsRepository {
  constructor(@InjectRepository(Ticket) private readonly tickets: Repository<Ticket>) {}

  /**
   * Reserves the next `count` numbers of the organization and returns the first. The counter row stays
   * locked until the caller's transaction ends, which orders concurrent creations; a rollback hands the
   * numbers back.
   */
  async reserveNumbers(organizationId: string, count: number, manager: EntityManager): Promise<number> {
    const table = manager.connection.getMetadata(TicketCounter).tableName;
    const [sql, parameters] = manager.connection.driver.escapeQueryWithParameters(
      `INSERT INTO "${table}" ("organization_id", "last_number") VALUES (:organizationId, :count)
       ON CONFLICT ("organization_id") DO UPDATE SET "last_number" = "${table}"."last_number" + :count
       RETURNING "last_number"`,
      { organizationId, count },
    );
    const rows = (await manager.query(sql, parameters)) as { last_number: number | string }[];
    return Number(rows[0].last_number) - count + 1;
  }

  /** Inserts a ticket with the next number of its organization. */
  async insert(organizationId: string, ticket: NewTicket, manager: EntityManager): Promise<Ticket> {
    const [row] = await this.insertMany(organizationId, [ticket], manager);
    return row;
  }

  /** Inserts tickets numbered consecutively in the order given, in one statement per chunk. */
  async insertMany(organizationId: string, tickets: NewTicket[], manager: EntityManager): Promise<Ticket[]> {
    if (tickets.length === 0) return [];
    const first = await this.reserveNumbers(organizationId, tickets.length, manager);
    const rows: Ticket[] = [];
    for (const [index, ticket] of tickets.entries()) {
      rows.push({ ...ticket, organizationId, number: first + index, updatedAt: ticket.createdAt });
    }
    await insertRows(manager, Ticket, rows);
    return rows;
  }

  /** `forUpdate` locks the row (PostgreSQL) so a concurrent status change waits for this transaction. */
  findById(organizationId: string, id: string, manager?: EntityManager, forUpdate = false): Promise<Ticket | null> {
    const query = this.repository(manager)
      .createQueryBuilder('ticket')
      .where('ticket.organizationId = :organizationId AND ticket.id = :id', { organizationId, id });
    if (forUpdate && this.tickets.manager.connection.options.type === 'postgres') query.setLock('pessimistic_write');
    return query.getOne();
  }

  findByNumber(organizationId: string, number: number, manager?: EntityManager): Promise<Ticket | null> {
    return this.repository(manager).findOneBy({ organizationId, number });
  }

  exists(organizationId: string, id: string, manager?: EntityManager): Promise<boolean> {
    return this.repository(manager).existsBy({ organizationId, id });
  }

  /** The newest ticket that follows up `closedTicketId` and is not closed itself. */
  findOpenFollowUp(organizationId: string, closedTicketId: string, manager?: EntityManager): Promise<Ticket | null> {
    return this.repository(manager).findOne({
      where: { organizationId, linkedTicketId: closedTicketId, status: Not('closed') },
      order: { createdAt: 'DESC', number: 'DESC' },
    });
  }

  async update(organizationId: string, id: string, patch: TicketPatch, manager?: EntityManager): Promise<void> {
    await this.repository(manager).update({ organizationId, id }, { ...patch, updatedAt: new Date() });
  }

  private repository(manager?: EntityManager): Repository<Ticket> {
    return manager ? manager.getRepository(Ticket) : this.tickets;
  }
}
