import { ApiProperty } from '@nestjs/swagger';
import type { OAuthProvider } from '../mail-access-tokens';
import type { OAuthApp, OAuthGrant } from '../oauth-app.entity';
import { OAUTH_GRANTS, OAUTH_PROVIDERS } from './save-oauth-app.dto';

export class OAuthAppResponse {
  @ApiProperty({ enum: OAUTH_PROVIDERS, example: 'microsoft' })
  provider!: OAuthProvider;

  @ApiProperty({ example: '00000000-0000-0000-0000-000000000000' })
  clientId!: string;

  @ApiProperty({ example: true, description: 'The secret itself is never returned' })
  clientSecretSet!: boolean;

  @ApiProperty({ type: String, nullable: true, example: 'contoso.onmicrosoft.com' })
  tenant!: string | null;

  @ApiProperty({ enum: OAUTH_GRANTS, example: 'authorization-code' })
  grant!: OAuthGrant;

  @ApiProperty({ type: String, nullable: true, example: null })
  issuer!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  authorizationEndpoint!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  tokenEndpoint!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  revocationEndpoint!: string | null;

  @ApiProperty({ type: [String], nullable: true, example: null, description: "Null: the provider's defaults" })
  scopes!: string[] | null;

  @ApiProperty({
    example: 'https://helpdesk.example.com/api/v1/settings/email/oauth/callback',
    nullable: true,
    type: String,
  })
  redirectUri!: string | null;

  @ApiProperty({ example: '2026-01-15T09:30:00.000Z' })
  updatedAt!: Date;

  static from(row: OAuthApp, redirectUri: string | null): OAuthAppResponse {
    return {
      provider: row.provider,
      clientId: row.clientId,
      clientSecretSet: row.clientSecretSealed !== null,
      tenant: row.tenant,
      grant: row.grant,
      issuer: row.issuer,
      authorizationEndpoint: row.authorizationEndpoint,
      tokenEndpoint: row.tokenEndpoint,
      revocationEndpoint: row.revocationEndpoint,
      scopes: row.scopes === null ? null : row.scopes.split(' '),
      redirectUri,
      updatedAt: row.updatedAt,
    };
  }
}
