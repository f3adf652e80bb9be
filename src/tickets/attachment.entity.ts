import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';

/** A file of a comment. The bytes live in attachment storage under `storageKey` (their SHA-256). */
@Entity('attachments')
@Index('IDX_attachments_organization_ticket', ['organizationId', 'ticketId'])
export class Attachment {
  @PrimaryColumn('uuid')
  id!: string;

  @ForeignKey('Organization', { name: 'FK_attachments_organization', onDelete: 'CASCADE' })
  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  /** The comment's ticket, so a download checks ticket and attachment in one lookup. */
  @ForeignKey('Ticket', { name: 'FK_attachments_ticket', onDelete: 'CASCADE' })
  @Column({ name: 'ticket_id', type: 'uuid' })
  ticketId!: string;

  @ForeignKey('Comment', { name: 'FK_attachments_comment', onDelete: 'CASCADE' })
  @Column({ name: 'comment_id', type: 'uuid' })
  commentId!: string;

  @Column({ type: String, length: 255 })
  filename!: string;

  @Column({ name: 'content_type', type: String, length: 255 })
  contentType!: string;

  @Column({ type: 'int' })
  size!: number;

  @Column({ name: 'storage_key', type: String, length: 64 })
  storageKey!: string;

  /** Content-ID without angle brackets, for `cid:` links in the comment's HTML. */
  @Column({ name: 'content_id', type: String, length: 500, nullable: true })
  contentId!: string | null;

  /** Shown inside the HTML body (a `cid:` image) rather than listed as a file. */
  @Column({ type: Boolean, default: false })
  inline!: boolean;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;
}
