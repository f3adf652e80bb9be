import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import type { SyncErrorClass } from './sync-state.entity';

export type SyncRunStatus = 'running' | 'succeeded' | 'failed' | 'stopped' | 'interrupted';
export type SyncTrigger = 'schedule' | 'manual';

@Entity('sync_runs')
@Index('IDX_sync_runs_org_started', ['organizationId', 'startedAt'])
export class SyncRun {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  @ForeignKey('Organization', { name: 'FK_sync_runs_organization', onDelete: 'CASCADE' })
  organizationId!: string;

  @Column({ type: String, length: 20 })
  trigger!: SyncTrigger;

  @Column({ type: String, length: 20 })
  status!: SyncRunStatus;

  @Column({ name: 'started_at', type: Date })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: Date, nullable: true })
  finishedAt!: Date | null;

  /** Messages waiting above the watermark when the run looked; null until it knows. */
  @Column({ type: 'int', nullable: true })
  total!: number | null;

  @Column({ type: 'int', default: 0 })
  fetched!: number;

  @Column({ type: 'int', default: 0 })
  tickets!: number;

  @Column({ type: 'int', default: 0 })
  comments!: number;

  @Column({ type: 'int', default: 0 })
  ignored!: number;

  @Column({ type: 'int', default: 0 })
  failed!: number;

  @Column({ name: 'error_class', type: String, length: 20, nullable: true })
  errorClass!: SyncErrorClass | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;
}
