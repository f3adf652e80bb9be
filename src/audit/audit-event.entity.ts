import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type AuditOutcome = 'succeeded' | 'failed';

/** One admin action or sign-in. Rows are only ever inserted (see the migration's triggers). */
@Entity('audit_events')
@Index('IDX_audit_events_org_at', ['organizationId', 'at'])
@Index('IDX_audit_events_at', ['at'])
export class AuditEvent {
  /** Time-ordered: with `at` it gives a stable newest-first order. */
  @PrimaryColumn('uuid')
  id!: string;

  /** Null only for platform-level events with no organization (a sign-in attempt for an unknown address). */
  @Column({ name: 'organization_id', type: 'uuid', nullable: true })
  organizationId!: string | null;

  @Column({ type: Date })
  at!: Date;

  @Column({ type: String, length: 80 })
  action!: string;

  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true })
  actorUserId!: string | null;

  /** The actor's address when it happened (a snapshot; users can change it), or the address a failed sign-in tried. */
  @Column({ name: 'actor_email', type: String, length: 320, nullable: true })
  actorEmail!: string | null;

  @Column({ name: 'target_type', type: String, length: 40, nullable: true })
  targetType!: string | null;

  @Column({ name: 'target_id', type: String, length: 100, nullable: true })
  targetId!: string | null;

  /** JSON of the fields the action set, secrets masked (see masked-changes.ts). */
  @Column({ type: 'text', nullable: true })
  changes!: string | null;

  @Column({ name: 'client_address', type: String, length: 64, nullable: true })
  clientAddress!: string | null;

  @Column({ type: String, length: 20 })
  outcome!: AuditOutcome;
}
