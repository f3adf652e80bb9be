import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { TicketPriority, TicketSource, TicketStatus } from './ticket-values';

/**
 * The list is read newest activity first, optionally by status, assignee or requester; each index
 * serves one of those reads with `number` as the tie-breaker of a stable order.
 */
@Entity('tickets')
@Index('UQ_tickets_organization_number', ['organizationId', 'number'], { unique: true })
@Index('IDX_tickets_organization_activity', ['organizationId', 'lastActivityAt', 'number'])
@Index('IDX_tickets_organization_status_activity', ['organizationId', 'status', 'lastActivityAt', 'number'])
@Index('IDX_tickets_organization_assignee_activity', ['organizationId', 'assigneeId', 'lastActivityAt', 'number'])
@Index('IDX_tickets_organization_requester_activity', ['organizationId', 'requesterId', 'lastActivityAt', 'number'])
@Index('IDX_tickets_organization_linked', ['organizationId', 'linkedTicketId'])
// sort=created, and updatedSince (migration TicketEnumeration); sort=number uses the unique index.
@Index('IDX_tickets_organization_created', ['organizationId', 'createdAt', 'number'])
@Index('IDX_tickets_organization_updated', ['organizationId', 'updatedAt'])
// PostgreSQL's trigram index for searching subjects (migration TicketSearch; SQLite has FTS5 instead).
@Index('IDX_tickets_subject_trigram', { synchronize: false })
export class Ticket {
  @PrimaryColumn('uuid')
  id!: string;

  @ForeignKey('Organization', { name: 'FK_tickets_organization', onDelete: 'CASCADE' })
  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  /** 1, 2, 3 … per organization; the `[#42]` token in subjects. */
  @Column({ type: 'int' })
  number!: number;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ type: String, length: 20 })
  status!: TicketStatus;

  @Column({ type: String, length: 20 })
  priority!: TicketPriority;

  @ForeignKey('Contact', { name: 'FK_tickets_requester' })
  @Column({ name: 'requester_id', type: 'uuid' })
  requesterId!: string;

  @ForeignKey('User', { name: 'FK_tickets_assignee', onDelete: 'SET NULL' })
  @Column({ name: 'assignee_id', type: 'uuid', nullable: true })
  assigneeId!: string | null;

  @Column({ type: String, length: 10 })
  source!: TicketSource;

  /** The closed ticket this one follows up (a reply to a closed ticket starts a new one). */
  @ForeignKey('Ticket', { name: 'FK_tickets_linked_ticket', onDelete: 'SET NULL' })
  @Column({ name: 'linked_ticket_id', type: 'uuid', nullable: true })
  linkedTicketId!: string | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt!: Date;

  /**
   * When the last comment from a person was added (the first one for a new ticket); the list's order.
   * System notes leave it alone (TicketsService.addSystemNote).
   */
  @Column({ name: 'last_activity_at', type: Date })
  lastActivityAt!: Date;
}
