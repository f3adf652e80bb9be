import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import type { IncidentKind, IncidentStatus } from './incident-kinds';

/**
 * Something wrong with an organization's mail flow, from when it was seen until it cleared, and which
 * alert mail went out for it (each `*NotifiedAt` is claimed before its mail is sent).
 */
@Entity('incidents')
@Index('UQ_incidents_open', ['organizationId', 'kind'], { unique: true, where: "status = 'open'" })
@Index('IDX_incidents_org_opened', ['organizationId', 'openedAt'])
@Index('IDX_incidents_status', ['status', 'kind'])
export class Incident {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  @ForeignKey('Organization', { name: 'FK_incidents_organization', onDelete: 'CASCADE' })
  organizationId!: string;

  @Column({ type: String, length: 40 })
  kind!: IncidentKind;

  @Column({ type: String, length: 20 })
  status!: IncidentStatus;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  /** Times the cause was seen while open (failed runs, failed messages, failing checks). */
  @Column({ type: 'int', default: 1 })
  occurrences!: number;

  @Column({ name: 'opened_at', type: Date })
  openedAt!: Date;

  @Column({ name: 'last_seen_at', type: Date })
  lastSeenAt!: Date;

  @Column({ name: 'resolved_at', type: Date, nullable: true })
  resolvedAt!: Date | null;

  /** An admin saw it: no more daily reminders (the recovery mail still goes out). */
  @Column({ name: 'acknowledged_at', type: Date, nullable: true })
  acknowledgedAt!: Date | null;

  @Column({ name: 'acknowledged_by', type: 'uuid', nullable: true })
  acknowledgedBy!: string | null;

  @Column({ name: 'opened_notified_at', type: Date, nullable: true })
  openedNotifiedAt!: Date | null;

  @Column({ name: 'reminded_at', type: Date, nullable: true })
  remindedAt!: Date | null;

  @Column({ name: 'recovered_notified_at', type: Date, nullable: true })
  recoveredNotifiedAt!: Date | null;
}
