import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../database/bigint-number.transformer';
import type { SyncErrorClass } from './sync-state.entity';

export type SyncFailureStatus = 'open' | 'resolved' | 'dismissed';

/** A message that could not be processed: kept with its raw bytes so it can be inspected and retried. */
@Entity('sync_failures')
@Index('IDX_sync_failures_org_status', ['organizationId', 'status'])
@Index('UQ_sync_failures_message', ['organizationId', 'folder', 'uidValidity', 'uid'], { unique: true })
@Index('IDX_sync_failures_run_uid', ['runId', 'uid'])
export class SyncFailure {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  @ForeignKey('Organization', { name: 'FK_sync_failures_organization', onDelete: 'CASCADE' })
  organizationId!: string;

  @Column({ type: String, length: 300 })
  folder!: string;

  @Column({ name: 'uid_validity', type: String, length: 20 })
  uidValidity!: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  uid!: number;

  @Column({ name: 'run_id', type: 'uuid', nullable: true })
  runId!: string | null;

  @Column({ type: String, length: 20 })
  status!: SyncFailureStatus;

  @Column({ name: 'error_class', type: String, length: 20 })
  errorClass!: SyncErrorClass;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'int', default: 1 })
  attempts!: number;

  @Column({ type: 'int' })
  size!: number;

  /**
   * The original bytes, in the database rather than in file storage: a failure may be a storage
   * failure, and the message must survive it.
   */
  @Column({ type: 'blob' })
  raw!: Buffer;

  @Column({ name: 'ticket_id', type: 'uuid', nullable: true })
  ticketId!: string | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
