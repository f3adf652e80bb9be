import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../database/bigint-number.transformer';

export type IngestOutcome = 'ticket' | 'comment' | 'ignored' | 'bounce-noted';

/**
 * One row per message taken from a mailbox. The unique (organization, message key) index is what
 * makes a duplicate impossible, even when two runs race: the key is the Message-ID, or the content
 * hash for a message without one (see ledger-keys.ts). A copy of a message already taken is recorded
 * too, ignored as a duplicate, under a key of its own that never matches another.
 */
@Entity('ingested_messages')
@Index('UQ_ingested_messages_key', ['organizationId', 'messageKey'], { unique: true })
@Index('IDX_ingested_messages_run_uid', ['runId', 'uid'])
export class IngestedMessage {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  @ForeignKey('Organization', { name: 'FK_ingested_messages_organization', onDelete: 'CASCADE' })
  organizationId!: string;

  @Column({ name: 'message_key', type: String, length: 500 })
  messageKey!: string;

  /** What tells two messages with one Message-ID apart (null on rows from before it was kept). */
  @Column({ name: 'content_hash', type: String, length: 64, nullable: true })
  contentHash!: string | null;

  @Column({ type: String, length: 300 })
  folder!: string;

  @Column({ name: 'uid_validity', type: String, length: 20 })
  uidValidity!: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  uid!: number;

  @Column({ name: 'run_id', type: 'uuid', nullable: true })
  runId!: string | null;

  @Column({ type: String, length: 20 })
  outcome!: IngestOutcome;

  /** Why an ignored message was ignored (e.g. `auto-reply:auto-submitted`). */
  @Column({ type: String, length: 200, nullable: true })
  reason!: string | null;

  @Column({ name: 'ticket_id', type: 'uuid', nullable: true })
  ticketId!: string | null;

  @Column({ name: 'from_address', type: String, length: 320, nullable: true })
  fromAddress!: string | null;

  @Column({ type: String, length: 500, nullable: true })
  subject!: string | null;

  /**
   * The original bytes, so the full message stays available: in the row for ordinary messages,
   * committed with everything else; in attachment storage (`rawKey`) when large.
   */
  @Column({ type: 'blob', nullable: true })
  raw!: Buffer | null;

  @Column({ name: 'raw_key', type: String, length: 64, nullable: true })
  rawKey!: string | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;
}
