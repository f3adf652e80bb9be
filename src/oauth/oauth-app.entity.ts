import { Column, Entity, ForeignKey, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { OAuthProvider } from './mail-access-tokens';

export type OAuthGrant = 'authorization-code' | 'client-credentials';

/** An organization's own OAuth app registration (instead of the platform's). The client secret is sealed. */
@Entity('oauth_apps')
export class OAuthApp {
  @ForeignKey('Organization', { name: 'FK_oauth_apps_organization', onDelete: 'CASCADE' })
  @PrimaryColumn({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ type: String, length: 20 })
  provider!: OAuthProvider;

  @Column({ name: 'client_id', type: String, length: 500 })
  clientId!: string;

  @Column({ name: 'client_secret_sealed', type: 'text', nullable: true })
  clientSecretSealed!: string | null;

  @Column({ type: String, length: 255, nullable: true })
  tenant!: string | null;

  @Column({ name: 'grant_type', type: String, length: 30 })
  grant!: OAuthGrant;

  /** A custom server's issuer, for discovery and the ID token's `iss`. */
  @Column({ type: 'text', nullable: true })
  issuer!: string | null;

  @Column({ name: 'authorization_endpoint', type: 'text', nullable: true })
  authorizationEndpoint!: string | null;

  @Column({ name: 'token_endpoint', type: 'text', nullable: true })
  tokenEndpoint!: string | null;

  @Column({ name: 'revocation_endpoint', type: 'text', nullable: true })
  revocationEndpoint!: string | null;

  /** Space-separated, as OAuth writes them; null means the provider's defaults. */
  @Column({ type: 'text', nullable: true })
  scopes!: string | null;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
