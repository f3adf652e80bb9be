import { Column, CreateDateColumn, Entity, ForeignKey, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { MailSecurity } from '../common/net/mail-connect-options';

/** One organization's IMAP account. The password is sealed (see SecretBox), never stored in clear. */
@Entity('email_incoming_settings')
export class IncomingEmailSettings {
  // By entity name, so the settings module does not import the organizations module's entity.
  @ForeignKey('Organization', { name: 'FK_email_incoming_settings_organization', onDelete: 'CASCADE' })
  @PrimaryColumn({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ type: String, length: 253 })
  host!: string;

  @Column({ type: 'int' })
  port!: number;

  @Column({ type: String, length: 10 })
  security!: MailSecurity;

  @Column({ type: String, length: 320 })
  username!: string;

  @Column({ name: 'password_sealed', type: 'text' })
  passwordSealed!: string;

  @Column({ type: String, length: 255 })
  folder!: string;

  @Column({ name: 'verify_certificate', type: Boolean })
  verifyCertificate!: boolean;

  /** The mailbox's own address (where customers write); null when unknown. */
  @Column({ type: String, length: 320, nullable: true })
  address!: string | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
