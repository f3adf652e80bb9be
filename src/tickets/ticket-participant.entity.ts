import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';

/** A contact Cc'd on a ticket's mail: may thread replies by subject token, and hears about it. */
@Entity('ticket_participants')
@Index('IDX_ticket_participants_contact', ['organizationId', 'contactId'])
export class TicketParticipant {
  @ForeignKey('Ticket', { name: 'FK_ticket_participants_ticket', onDelete: 'CASCADE' })
  @PrimaryColumn({ name: 'ticket_id', type: 'uuid' })
  ticketId!: string;

  @ForeignKey('Contact', { name: 'FK_ticket_participants_contact', onDelete: 'CASCADE' })
  @PrimaryColumn({ name: 'contact_id', type: 'uuid' })
  contactId!: string;

  @ForeignKey('Organization', { name: 'FK_ticket_participants_organization', onDelete: 'CASCADE' })
  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;
}
