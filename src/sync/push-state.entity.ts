import { Column, Entity, ForeignKey, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** What an organization's IDLE connection is doing, as any instance's API reports it. */
export type PushConnectionState = 'off' | 'connecting' | 'idle' | 'unsupported' | 'error';

/**
 * One row per organization that ever had push: the admin's switch and the state of its IDLE
 * connection, written by whichever instance holds it. Stored so every instance answers the same.
 */
@Entity('push_states')
export class PushState {
  @PrimaryColumn({ name: 'organization_id', type: 'uuid' })
  @ForeignKey('Organization', { name: 'FK_push_states_organization', onDelete: 'CASCADE' })
  organizationId!: string;

  @Column({ type: Boolean, default: true })
  enabled!: boolean;

  @Column({ type: String, length: 20, default: 'off' })
  state!: PushConnectionState;

  /** When `state` last changed. */
  @Column({ type: Date, nullable: true })
  since!: Date | null;

  /** The last change the server reported (EXISTS, EXPUNGE, UIDVALIDITY), at most a second stale. */
  @Column({ name: 'last_event_at', type: Date, nullable: true })
  lastEventAt!: Date | null;

  /** Why the connection is in 'error' (or why the last attempt failed): `auth`, `config`, `tls`, `network`, … */
  @Column({ name: 'error_class', type: String, length: 20, nullable: true })
  errorClass!: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
