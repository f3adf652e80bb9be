import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import type { OAuthProvider } from '../mail-access-tokens';
import { OAUTH_PROVIDERS } from './save-oauth-app.dto';

export class AuthorizeDto {
  @ApiProperty({ enum: OAUTH_PROVIDERS, example: 'microsoft' })
  @IsIn(OAUTH_PROVIDERS)
  provider!: OAuthProvider;
}

export class AuthorizeResponse {
  @ApiProperty({
    example: 'https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize?client_id=…&code_challenge=…',
    description:
      'Open it in the browser; the provider sends the admin back to the callback. Valid for 10 minutes, once.',
  })
  authorizationUrl!: string;
}

export class DisconnectResponse {
  @ApiProperty({
    example: true,
    description:
      'Whether the provider confirmed the revocation (false: it has no revocation endpoint, or did not answer)',
  })
  revoked!: boolean;
}
