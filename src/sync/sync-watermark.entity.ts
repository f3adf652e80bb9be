import { Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../database/bigint-number.transformer';

/** How far a mailbox folder has been ingested: everything up to `lastUid` under `uidValidity`. */
@Entity('sync_watermarks')
export class SyncWatermark {
  @PrimaryColumn({ name: 'organization_id', type: 'uuid' })
  @ForeignKey('Organization', { name: 'FK_sync_watermarks_organization', onDelete: 'CASCADE' })
  organizationId!: string;

  @PrimaryColumn({ type: String, length: 300 })
  folder!: string;

  @Column({ name: 'uid_validity', type: String, length: 20 })
  uidValidity!: string;

  @Column({ name: 'last_uid', type: 'bigint', transformer: bigintNumber })
  lastUid!: number;
}
