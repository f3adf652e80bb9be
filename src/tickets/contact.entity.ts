import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A person on the customer side: a ticket's requester or a Cc'd participant. One per address per organization. */
@Entity('contacts')
@Index('UQ_contacts_organization_email', ['organizationId', 'email'], { unique: true })
export class Contact {
  @PrimaryColumn('uuid')
  id!: string;

  @ForeignKey('Organization', { name: 'FK_contacts_organization', onDelete: 'CASCADE' })
  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  /** Lower-case. */
  @Column({ type: String, length: 320 })
  email!: string;

  /** The display name from mail; empty when none was given. */
  @Column({ type: String, length: 200 })
  name!: string;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
