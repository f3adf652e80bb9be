import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { timeOrderedId } from '../../libs/ids/time-ordered-id';
import { EntityManager, Repository } from 'typeorm';
import { findByKeys } from '../database/find-by-keys';
import { insertRows } from '../database/insert-rows';
import { TicketMessageId } from './ticket-message-id.entity';
import type { MessageDirection } from './ticket-values';

/** The only place that touches message_ids. Organization id first. */
@Injectable()
export class MessageIdsRepository {
  constructor(@InjectRepository(TicketMessageId) private readonly messageIds: Repository<TicketMessageId>) {}

  /** The ticket of each of the given (normalized) ids that is known, by id. */
  async findTickets(
    organizationId: string,
    messageIds: string[],
    manager?: EntityManager,
  ): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const rows = await findByKeys(
      manager ?? this.messageIds.manager,
      TicketMessageId,
      'messageId',
      organizationId,
      messageIds,
      ['messageId', 'ticketId'],
    );
    for (const row of rows) found.set(row.messageId, row.ticketId);
    return found;
  }

  /** Fails with a unique violation when the organization already has this id. */
  async insert(
    organizationId: string,
    ticketId: string,
    messageId: string,
    direction: MessageDirection,
    manager: EntityManager,
  ): Promise<void> {
    await this.insertMany(organizationId, [{ ticketId, messageId, direction }], manager);
  }

  /** `insert` for several ids in one statement; a known one fails the whole statement. */
  async insertMany(
    organizationId: string,
    rows: { ticketId: string; messageId: string; direction: MessageDirection }[],
    manager: EntityManager,
  ): Promise<void> {
    const identified: Omit<TicketMessageId, 'organizationId' | 'createdAt'>[] = [];
    for (const row of rows) identified.push({ id: timeOrderedId(), ...row });
    await insertRows(manager, TicketMessageId, identified, { shared: { organizationId } });
  }

  /** The thread of a ticket, oldest first (for References headers of replies we send). */
  async listForTicket(
    organizationId: string,
    ticketId: string,
  ): Promise<{ messageId: string; direction: MessageDirection }[]> {
    const rows = await this.messageIds.find({
      where: { organizationId, ticketId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return rows.map(({ messageId, direction }) => ({ messageId, direction }));
  }

  private repository(manager?: EntityManager): Repository<TicketMessageId> {
    return manager ? manager.getRepository(TicketMessageId) : this.messageIds;
  }
}
