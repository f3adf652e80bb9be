import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, IsUrl, Length, Matches } from 'class-validator';
import type { OAuthProvider } from '../mail-access-tokens';
import type { OAuthGrant } from '../oauth-app.entity';

export const OAUTH_PROVIDERS: readonly OAuthProvider[] = ['microsoft', 'google', 'custom'];
export const OAUTH_GRANTS: readonly OAuthGrant[] = ['authorization-code', 'client-credentials'];

const URL_OPTIONS = { protocols: ['https', 'http'], require_protocol: true, require_tld: false };
const NO_SPACES = /^\S+$/;

/** An organization's own OAuth app registration. */
export class SaveOAuthAppDto {
  @ApiProperty({ enum: OAUTH_PROVIDERS, example: 'microsoft' })
  @IsIn(OAUTH_PROVIDERS)
  provider!: OAuthProvider;

  @ApiProperty({ example: '00000000-0000-0000-0000-000000000000', description: 'The application (client) id' })
  @IsString()
  @Length(1, 500)
  @Matches(NO_SPACES, { message: 'clientId must not contain spaces' })
  clientId!: string;

  @ApiPropertyOptional({
    example: 'client-secret-value',
    description:
      'Stored encrypted and never returned. May be omitted to keep the stored one while provider and clientId stay the same.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  clientSecret?: string;

  @ApiPropertyOptional({
    example: 'contoso.onmicrosoft.com',
    description:
      'Microsoft only: tenant id or domain (default: OAUTH_MICROSOFT_TENANT); required for client-credentials',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9.-]{0,254}$/, { message: 'tenant must be a tenant id or a domain' })
  tenant?: string;

  @ApiPropertyOptional({
    enum: OAUTH_GRANTS,
    default: 'authorization-code',
    example: 'authorization-code',
    description:
      'client-credentials: app-only access (Microsoft, or a custom server); the mailbox is the incoming username',
  })
  @IsOptional()
  @IsIn(OAUTH_GRANTS)
  grant?: OAuthGrant;

  @ApiPropertyOptional({
    example: 'https://login.example.com',
    description: 'custom only: the issuer; its discovery document fills in endpoints not given here',
  })
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  @Length(1, 2000)
  issuer?: string;

  @ApiPropertyOptional({ example: 'https://login.example.com/authorize', description: 'custom only' })
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  @Length(1, 2000)
  authorizationEndpoint?: string;

  @ApiPropertyOptional({ example: 'https://login.example.com/token', description: 'custom only' })
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  @Length(1, 2000)
  tokenEndpoint?: string;

  @ApiPropertyOptional({ example: 'https://login.example.com/revoke', description: 'custom only' })
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  @Length(1, 2000)
  revocationEndpoint?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['openid', 'email', 'offline_access'],
    description: "Replaces the provider's default scopes",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 500, { each: true })
  @Matches(NO_SPACES, { each: true, message: 'each scope must be one word' })
  scopes?: string[];
}
