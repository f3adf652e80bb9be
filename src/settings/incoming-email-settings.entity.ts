import { Column, CreateDateColumn, Entity, ForeignKey, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { MailSecurity } from '../common/net/mail-connect-options';

export const INCOMING_AUTHS = ['password', 'oauth2'] as const;
/** password: the mailbox password; oauth2: an access token from the organization's OAuth connection. */
export type IncomingAuth = (typeof INCOMING_AUTHS)[number];

/**
 * One organization's IMAP account. The password is sealed (see SecretBox), never stored in clear; an
 * OAuth2 account has none (its tokens live with the OAuth connection).
 */
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

  @Column({ type: String, length: 10, default: 'password' })
  auth!: IncomingAuth;

  @Column({ name: 'password_sealed', type: 'text', nullable: true })
  passwordSealed!: string | null;

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
