import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { UserRole } from '../common/auth/user-role';

@Entity('users')
@Index('UQ_users_email', ['email'], { unique: true })
@Index('IDX_users_organization', ['organizationId'])
export class User {
  @PrimaryColumn('uuid')
  id!: string;

  // By entity name, so the users module does not import the organizations module's entity.
  @ForeignKey('Organization', { name: 'FK_users_organization', onDelete: 'CASCADE' })
  @Column({ name: 'organization_id', type: 'uuid', nullable: true })
  organizationId!: string | null;

  @Column({ type: String, length: 320 })
  email!: string;

  @Column({ type: String, length: 200 })
  name!: string;

  @Column({ name: 'password_hash', type: String, length: 200 })
  passwordHash!: string;

  @Column({ type: String, length: 20 })
  role!: UserRole;

  @Column({ type: Boolean, default: false })
  disabled!: boolean;

  /** An admin gets alert mail (incidents opened, reminders, recoveries) unless they opted out. */
  @Column({ name: 'alert_emails', type: Boolean, default: true })
  alertEmails!: boolean;

  /** Carried in every token as `ver`; bumped when the password changes, which revokes older tokens. */
  @Column({ name: 'session_version', type: 'int', default: 0 })
  sessionVersion!: number;

  /** Set by a temporary password (or the generated first-start one): every route but the password change refuses. */
  @Column({ name: 'must_change_password', type: Boolean, default: false })
  mustChangePassword!: boolean;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
