import { Column, CreateDateColumn, Entity, ForeignKey, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { MailSecurity } from '../common/net/mail-connect-options';

/** 'login' authenticates (with the incoming or its own credentials); 'none' sends without AUTH. */
export const SMTP_AUTHENTICATIONS = ['login', 'none'] as const;
export type SmtpAuthentication = (typeof SMTP_AUTHENTICATIONS)[number];

/** One organization's SMTP server. Own credentials only when it does not use the incoming ones. */
@Entity('email_outgoing_settings')
export class OutgoingEmailSettings {
  @ForeignKey('Organization', { name: 'FK_email_outgoing_settings_organization', onDelete: 'CASCADE' })
  @PrimaryColumn({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ type: String, length: 253 })
  host!: string;

  @Column({ type: 'int' })
  port!: number;

  @Column({ type: String, length: 10 })
  security!: MailSecurity;

  @Column({ type: String, length: 10 })
  authentication!: SmtpAuthentication;

  @Column({ name: 'use_incoming_credentials', type: Boolean })
  useIncomingCredentials!: boolean;

  @Column({ type: String, length: 320, nullable: true })
  username!: string | null;

  @Column({ name: 'password_sealed', type: 'text', nullable: true })
  passwordSealed!: string | null;

  @Column({ name: 'from_address', type: String, length: 320 })
  fromAddress!: string;

  @Column({ name: 'from_name', type: String, length: 200, nullable: true })
  fromName!: string | null;

  @Column({ name: 'verify_certificate', type: Boolean })
  verifyCertificate!: boolean;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
