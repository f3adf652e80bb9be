import { Column, Entity, ForeignKey, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintNumber } from '../database/bigint-number.transformer';

export type SyncFrom = 'current-date' | 'specific-date' | 'last-sync';
export type SyncErrorClass =
  | 'config'
  | 'auth'
  | 'network'
  | 'tls'
  | 'protocol'
  | 'parse'
  | 'too-large'
  | 'storage'
  | 'internal'
  // One message, quarantined in the failures list: over a MessageLimits cap, over its processing
  // deadline, or over its organization's storage quota.
  | 'over-limit'
  | 'processing-timeout'
  | 'storage-quota';

/** One row per organization: the seed's "Sync service status" widget, persisted. */
@Entity('sync_states')
export class SyncState {
  @PrimaryColumn({ name: 'organization_id', type: 'uuid' })
  @ForeignKey('Organization', { name: 'FK_sync_states_organization', onDelete: 'CASCADE' })
  organizationId!: string;

  @Column({ type: Boolean, default: false })
  running!: boolean;

  /** The organization is disabled: nothing is scheduled, `running` is kept for when it is enabled again. */
  @Column({ type: Boolean, default: false })
  suspended!: boolean;

  @Column({ name: 'from_mode', type: String, length: 20, nullable: true })
  fromMode!: SyncFrom | null;

  /** The day sync was started from (current-date: the start day; specific-date: the chosen day). */
  @Column({ type: Date, nullable: true })
  since!: Date | null;

  @Column({ name: 'interval_seconds', type: 'int', default: 300 })
  intervalSeconds!: number;

  @Column({ name: 'mark_seen', type: Boolean, default: false })
  markSeen!: boolean;

  @Column({ name: 'last_run_at', type: Date, nullable: true })
  lastRunAt!: Date | null;

  @Column({ name: 'last_success_at', type: Date, nullable: true })
  lastSuccessAt!: Date | null;

  /** When the back-off after failures ends (null when the last run succeeded). */
  @Column({ name: 'next_run_at', type: Date, nullable: true })
  nextRunAt!: Date | null;

  /**
   * The schedule every instance shares (epoch ms): when the next scheduled run is due; null while
   * stopped or suspended. Set by Start, a run's end, an interval or settings change (SyncSchedule).
   */
  @Index('IDX_sync_states_due')
  @Column({ name: 'due_at_ms', type: 'bigint', nullable: true, transformer: bigintNumber })
  dueAtMs!: number | null;

  /** Until when (epoch ms) the instance that claimed the due run is trusted to run it; then it is due again. */
  @Column({ name: 'claimed_until_ms', type: 'bigint', nullable: true, transformer: bigintNumber })
  claimedUntilMs!: number | null;

  @Column({ name: 'consecutive_failures', type: 'int', default: 0 })
  consecutiveFailures!: number;

  @Column({ name: 'last_error_class', type: String, length: 20, nullable: true })
  lastErrorClass!: SyncErrorClass | null;

  @Column({ name: 'last_error_message', type: 'text', nullable: true })
  lastErrorMessage!: string | null;

  @Column({ name: 'last_error_at', type: Date, nullable: true })
  lastErrorAt!: Date | null;

  @Column({ name: 'total_fetched', type: 'int', default: 0 })
  totalFetched!: number;

  @Column({ name: 'total_tickets', type: 'int', default: 0 })
  totalTickets!: number;

  @Column({ name: 'total_comments', type: 'int', default: 0 })
  totalComments!: number;

  @Column({ name: 'total_ignored', type: 'int', default: 0 })
  totalIgnored!: number;

  @Column({ name: 'total_failed', type: 'int', default: 0 })
  totalFailed!: number;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
