import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import type { NotificationTrigger } from './notification-kinds';

/**
 * The transactional outbox proper: a domain event that may call for mail, written inside the
 * transaction that made it true (so it exists exactly when the fact does). The sender plans each
 * one into `notifications` rows once, in a transaction that also marks it processed.
 */
@Entity('notification_events')
@Index('IDX_notification_events_pending', ['processedAt', 'createdAt'])
export class NotificationEvent {
  @PrimaryColumn('uuid')
  id!: string;

  @ForeignKey('Organization', { name: 'FK_notification_events_organization', onDelete: 'CASCADE' })
  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ name: 'ticket_id', type: 'uuid' })
  ticketId!: string;

  @Column({ type: 'simple-json' })
  trigger!: NotificationTrigger;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'lease_until', type: Date, nullable: true })
  leaseUntil!: Date | null;

  @Column({ name: 'processed_at', type: Date, nullable: true })
  processedAt!: Date | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;
}
