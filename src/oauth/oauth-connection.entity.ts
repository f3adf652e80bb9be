import { Column, Entity, ForeignKey, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { bigintNumber } from '../database/bigint-number.transformer';
import type { OAuthGrant } from './oauth-app.entity';
import type { OAuthProvider } from './mail-access-tokens';

export type OAuthConnectionStatus = 'connected' | 'needs-reauth';

/**
 * An organization's connected mail account: its tokens (sealed), when the access token expires, and
 * whether the grant still holds. Every instance reads and writes the same row, so a token refreshed by
 * one is the token of all.
 */
@Entity('oauth_connections')
export class OAuthConnection {
  @ForeignKey('Organization', { name: 'FK_oauth_connections_organization', onDelete: 'CASCADE' })
  @PrimaryColumn({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ type: String, length: 20 })
  provider!: OAuthProvider;

  @Column({ name: 'grant_type', type: String, length: 30 })
  grant!: OAuthGrant;

  /** The signed-in account's address; empty for an app-only connection. */
  @Column({ type: String, length: 320 })
  account!: string;

  @Column({ name: 'access_token_sealed', type: 'text', nullable: true })
  accessTokenSealed!: string | null;

  @Column({ name: 'access_token_expires_at_ms', type: 'bigint', nullable: true, transformer: bigintNumber })
  accessTokenExpiresAtMs!: number | null;

  @Column({ name: 'refresh_token_sealed', type: 'text', nullable: true })
  refreshTokenSealed!: string | null;

  @Column({ type: String, length: 20 })
  status!: OAuthConnectionStatus;

  @Column({ name: 'connected_at', type: Date })
  connectedAt!: Date;

  @Column({ name: 'last_refresh_at', type: Date, nullable: true })
  lastRefreshAt!: Date | null;

  /** The last failure's class (`auth`, `timeout`, `consent`, …); cleared by a successful refresh. */
  @Column({ name: 'error_class', type: String, length: 20, nullable: true })
  errorClass!: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;

  @Column({ name: 'error_at', type: Date, nullable: true })
  errorAt!: Date | null;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
