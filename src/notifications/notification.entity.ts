import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import type { NotificationKind } from './notification-kinds';

export const NOTIFICATION_STATUSES = ['queued', 'sent', 'failed', 'suppressed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/**
 * One message in the outbox, rendered and addressed to one recipient. The sender claims queued rows
 * whose time has come (a lease keeps other instances off them), sends, and records the outcome.
 */
@Entity('notifications')
@Index('IDX_notifications_due', ['status', 'nextAttemptAt'])
@Index('IDX_notifications_org_status', ['organizationId', 'status', 'createdAt'])
@Index('IDX_notifications_org_recipient', ['organizationId', 'recipient', 'createdAt'])
@Index('IDX_notifications_org_ticket', ['organizationId', 'ticketId', 'createdAt'])
export class Notification {
  @PrimaryColumn('uuid')
  id!: string;

  @ForeignKey('Organization', { name: 'FK_notifications_organization', onDelete: 'CASCADE' })
  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @ForeignKey('Ticket', { name: 'FK_notifications_ticket', onDelete: 'CASCADE' })
  @Column({ name: 'ticket_id', type: 'uuid' })
  ticketId!: string;

  /** The outbox event this message was planned from. */
  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ type: String, length: 30 })
  kind!: NotificationKind;

  /** Counted by the loop brake (everything but an agent's reply, which carries a person's words). */
  @Column({ type: Boolean })
  automatic!: boolean;

  @Column({ type: String, length: 320 })
  recipient!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ name: 'body_text', type: 'text' })
  bodyText!: string;

  @Column({ name: 'body_html', type: 'text' })
  bodyHtml!: string;

  /** Extra headers (ours, Auto-Submitted, …); From is taken from the outgoing settings when sending. */
  @Column({ type: 'simple-json' })
  headers!: Record<string, string>;

  /** With angle brackets; signed for the organization and ticket, recorded on the ticket when planned. */
  @Column({ name: 'message_id', type: String, length: 500 })
  messageId!: string;

  @Column({ name: 'in_reply_to', type: String, length: 1000, nullable: true })
  inReplyTo!: string | null;

  /** The ticket's thread, oldest first, each with angle brackets, separated by spaces. */
  @Column({ name: 'thread_references', type: 'text', nullable: true })
  references!: string | null;

  @Column({ type: String, length: 20 })
  status!: NotificationStatus;

  /** Why it was suppressed, or the last failure (kept after a later success for the record). */
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: Date })
  nextAttemptAt!: Date;

  @Column({ name: 'lease_until', type: Date, nullable: true })
  leaseUntil!: Date | null;

  @Column({ name: 'lease_owner', type: String, length: 64, nullable: true })
  leaseOwner!: string | null;

  @Column({ name: 'sent_at', type: Date, nullable: true })
  sentAt!: Date | null;

  /** The server's final reply when sent, e.g. "250 2.0.0 Ok: queued as 4F2A1". */
  @Column({ name: 'smtp_response', type: 'text', nullable: true })
  smtpResponse!: string | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
