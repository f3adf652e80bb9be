import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../database/bigint-number.transformer';
import type { OAuthProvider } from './mail-access-tokens';

/**
 * A sign-in in progress: found by a hash of its `state` (the state itself lives only in the browser's
 * URL), bound to the organization and the admin who started it, with its sealed PKCE verifier. Deleted
 * when the callback uses it, so a state works once.
 */
@Entity('oauth_authorizations')
@Index('IDX_oauth_authorizations_organization', ['organizationId'])
export class OAuthAuthorization {
  @PrimaryColumn({ name: 'state_hash', type: String, length: 64 })
  stateHash!: string;

  @ForeignKey('Organization', { name: 'FK_oauth_authorizations_organization', onDelete: 'CASCADE' })
  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  /** The admin's address when they started, for the audit log row the callback writes. */
  @Column({ name: 'user_email', type: String, length: 320 })
  userEmail!: string;

  @Column({ type: String, length: 20 })
  provider!: OAuthProvider;

  @Column({ name: 'verifier_sealed', type: 'text' })
  verifierSealed!: string;

  @Column({ name: 'expires_at_ms', type: 'bigint', transformer: bigintNumber })
  expiresAtMs!: number;
}
