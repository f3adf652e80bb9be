import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import type { CommentKind } from './ticket-values';

/** One entry of a ticket's conversation: a message from the requester side, an agent, or the system. */
@Entity('comments')
@Index('IDX_comments_organization_ticket', ['organizationId', 'ticketId', 'createdAt'])
// PostgreSQL's trigram index for searching comments (migration TicketSearch; SQLite has FTS5 instead).
@Index('IDX_comments_body_trigram', { synchronize: false })
export class Comment {
  @PrimaryColumn('uuid')
  id!: string;

  @ForeignKey('Organization', { name: 'FK_comments_organization', onDelete: 'CASCADE' })
  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @ForeignKey('Ticket', { name: 'FK_comments_ticket', onDelete: 'CASCADE' })
  @Column({ name: 'ticket_id', type: 'uuid' })
  ticketId!: string;

  /** Set for mail from the customer side. */
  @ForeignKey('Contact', { name: 'FK_comments_author_contact', onDelete: 'SET NULL' })
  @Column({ name: 'author_contact_id', type: 'uuid', nullable: true })
  authorContactId!: string | null;

  /** Set for an agent's comment. */
  @ForeignKey('User', { name: 'FK_comments_author_user', onDelete: 'SET NULL' })
  @Column({ name: 'author_user_id', type: 'uuid', nullable: true })
  authorUserId!: string | null;

  @Column({ type: String, length: 20 })
  kind!: CommentKind;

  /** Plain text: the visible part, with quoted history and signature stripped. */
  @Column({ type: 'text' })
  body!: string;

  /** Sanitized HTML, or null for a plain-text message. */
  @Column({ type: 'text', nullable: true })
  html!: string | null;

  /** The full original text before stripping; null when nothing was stripped (it equals `body`). */
  @Column({ name: 'full_body', type: 'text', nullable: true })
  fullBody!: string | null;

  @Column({ type: Boolean, default: false })
  internal!: boolean;

  /**
   * When the mail was received, as the ingesting caller gave it (its Date header or the mailbox's
   * arrival time); null for comments not made by mail. `createdAt` is when we stored it.
   */
  @Column({ name: 'received_at', type: Date, nullable: true })
  receivedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;
}
