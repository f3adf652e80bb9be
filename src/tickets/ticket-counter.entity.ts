import { Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';

/**
 * The last ticket number given out per organization. Incremented in the transaction that creates
 * the ticket, so the row lock orders concurrent creations and a rollback gives the number back.
 */
@Entity('ticket_counters')
export class TicketCounter {
  @ForeignKey('Organization', { name: 'FK_ticket_counters_organization', onDelete: 'CASCADE' })
  @PrimaryColumn({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ name: 'last_number', type: 'int' })
  lastNumber!: number;
}
