import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity('organizations')
// Names are unique whatever their letter case: an expression index on lower(name), made by the migration.
@Index('UQ_organizations_name_lower', { synchronize: false })
export class Organization {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: String, length: 200 })
  name!: string;

  /** A disabled organization's users cannot sign in and its sync is suspended; nothing is deleted. */
  @Column({ type: Boolean, default: false })
  disabled!: boolean;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
