import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { insertRows } from '../database/insert-rows';
import { TicketParticipant } from './ticket-participant.entity';

/** The only place that touches ticket_participants. Organization id first. */
@Injectable()
export class TicketParticipantsRepository {
  constructor(@InjectRepository(TicketParticipant) private readonly participants: Repository<TicketParticipant>) {}

  /** Adds the contacts to the ticket; ones already on it stay as they are. */
  async add(organizationId: string, ticketId: string, contactIds: string[], manager: EntityManager): Promise<void> {
    await this.addMany(organizationId, [{ ticketId, contactIds }], manager);
  }

  /** `add` for several tickets in one statement. */
  async addMany(
    organizationId: string,
    entries: { ticketId: string; contactIds: string[] }[],
    manager: EntityManager,
  ): Promise<void> {
    const rows: Pick<TicketParticipant, 'ticketId' | 'contactId'>[] = [];
    for (const { ticketId, contactIds } of entries) {
      // Sorted, so two transactions adding the same people cannot deadlock.
      for (const contactId of [...new Set(contactIds)].sort()) rows.push({ ticketId, contactId });
    }
    await insertRows(manager, TicketParticipant, rows, { orIgnore: true, shared: { organizationId } });
  }

  isParticipant(
    organizationId: string,
    ticketId: string,
    contactId: string,
    manager?: EntityManager,
  ): Promise<boolean> {
    return this.repository(manager).existsBy({ organizationId, ticketId, contactId });
  }

  async listContactIds(organizationId: string, ticketId: string): Promise<string[]> {
    const rows = await this.participants.find({
      where: { organizationId, ticketId },
      order: { createdAt: 'ASC', contactId: 'ASC' },
    });
    return rows.map((row) => row.contactId);
  }

  private repository(manager?: EntityManager): Repository<TicketParticipant> {
    return manager ? manager.getRepository(TicketParticipant) : this.participants;
  }
}
