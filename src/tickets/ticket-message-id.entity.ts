import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import type { MessageDirection } from './ticket-values';

/**
 * Every Message-ID of a ticket's thread: mail we received and mail we sent. A reply naming any of
 * them in In-Reply-To or References belongs to that ticket. Unique per organization, which also
 * makes ingesting the same message twice impossible.
 */
@Entity('message_ids')
@Index('UQ_message_ids_organization_message', ['organizationId', 'messageId'], { unique: true })
// By ticket, not by organization first: see the MessageIdsByTicket migration.
@Index('IDX_message_ids_ticket', ['ticketId', 'createdAt'])
export class TicketMessageId {
  @PrimaryColumn('uuid')
  id!: string;

  @ForeignKey('Organization', { name: 'FK_message_ids_organization', onDelete: 'CASCADE' })
  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @ForeignKey('Ticket', { name: 'FK_message_ids_ticket', onDelete: 'CASCADE' })
  @Column({ name: 'ticket_id', type: 'uuid' })
  ticketId!: string;

  /** Normalized: without angle brackets, comments or whitespace. */
  @Column({ name: 'message_id', type: String, length: 998 })
  messageId!: string;

  @Column({ type: String, length: 10 })
  direction!: MessageDirection;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;
}
