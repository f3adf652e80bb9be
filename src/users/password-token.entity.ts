import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';

/** What a password token lets its holder do: reset a forgotten password, or set the first one. */
export type PasswordTokenPurpose = 'reset' | 'invitation';

/** A single-use link's token, stored only as its SHA-256 (the link itself is mailed and never kept). */
@Entity('password_tokens')
@Index('UQ_password_tokens_hash', ['tokenHash'], { unique: true })
@Index('IDX_password_tokens_user', ['userId'])
export class PasswordToken {
  @PrimaryColumn('uuid')
  id!: string;

  @ForeignKey('User', { name: 'FK_password_tokens_user', onDelete: 'CASCADE' })
  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'token_hash', type: String, length: 64 })
  tokenHash!: string;

  @Column({ type: String, length: 20 })
  purpose!: PasswordTokenPurpose;

  @Column({ name: 'expires_at', type: Date })
  expiresAt!: Date;

  @Column({ name: 'used_at', type: Date, nullable: true })
  usedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;
}
