import { ApiProperty } from '@nestjs/swagger';
import type { MailSecurity } from '../../common/net/mail-connect-options';
import type { OAuthConnectionSnapshot, OAuthProvider } from '../../oauth/mail-access-tokens';
import { INCOMING_AUTHS, type IncomingAuth, type IncomingEmailSettings } from '../incoming-email-settings.entity';
import {
  SMTP_AUTHENTICATIONS,
  type OutgoingEmailSettings,
  type SmtpAuthentication,
} from '../outgoing-email-settings.entity';
import { MAIL_SECURITIES } from './mail-validators';

export class IncomingSettingsResponse {
  @ApiProperty({ enum: INCOMING_AUTHS, example: 'password', description: 'How the mailbox logs in' })
  auth!: IncomingAuth;

  @ApiProperty({ example: 'imap.example.com' })
  host!: string;

  @ApiProperty({ example: 993 })
  port!: number;

  @ApiProperty({ enum: MAIL_SECURITIES, example: 'tls' })
  security!: MailSecurity;

  @ApiProperty({ example: 'support@example.com' })
  username!: string;

  @ApiProperty({ example: true, description: 'The password itself is never returned; false with auth "oauth2"' })
  passwordSet!: boolean;

  @ApiProperty({ example: 'INBOX' })
  folder!: string;

  @ApiProperty({ example: true })
  verifyCertificate!: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'support@example.com',
    description: 'The address customers write to',
  })
  address!: string | null;

  @ApiProperty({ example: '2026-01-15T09:30:00.000Z' })
  updatedAt!: Date;

  static from(row: IncomingEmailSettings): IncomingSettingsResponse {
    const { auth, host, port, security, username, folder, verifyCertificate, address, updatedAt } = row;
    return {
      auth,
      host,
      port,
      security,
      username,
      passwordSet: Boolean(row.passwordSealed),
      folder,
      verifyCertificate,
      address,
      updatedAt,
    };
  }
}

export class OutgoingSettingsResponse {
  @ApiProperty({ example: 'smtp.example.com' })
  host!: string;

  @ApiProperty({ example: 465 })
  port!: number;

  @ApiProperty({ enum: MAIL_SECURITIES, example: 'tls' })
  security!: MailSecurity;

  @ApiProperty({ enum: SMTP_AUTHENTICATIONS, example: 'login' })
  authentication!: SmtpAuthentication;

  @ApiProperty({ example: true })
  useIncomingCredentials!: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'Own SMTP username, when not using the incoming one',
  })
  username!: string | null;

  @ApiProperty({
    example: false,
    description: 'Whether an own SMTP password is stored (false when the incoming credentials or no login are used)',
  })
  passwordSet!: boolean;

  @ApiProperty({ example: 'support@example.com' })
  fromAddress!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Example Support' })
  fromName!: string | null;

  @ApiProperty({ example: true })
  verifyCertificate!: boolean;

  @ApiProperty({ example: '2026-01-15T09:30:00.000Z' })
  updatedAt!: Date;

  static from(row: OutgoingEmailSettings): OutgoingSettingsResponse {
    const { host, port, security, authentication, useIncomingCredentials, username, fromAddress, fromName } = row;
    return {
      host,
      port,
      security,
      authentication,
      useIncomingCredentials,
      username,
      passwordSet: row.passwordSealed !== null,
      fromAddress,
      fromName,
      verifyCertificate: row.verifyCertificate,
      updatedAt: row.updatedAt,
    };
  }
}

class OAuthErrorResponse {
  @ApiProperty({ example: 'auth', description: 'The failure class, as in connection checks (plus consent)' })
  class!: string;

  @ApiProperty({ example: 'The grant was revoked or has expired (invalid_grant)' })
  message!: string;

  @ApiProperty({ example: '2026-01-15T09:30:00.000Z' })
  at!: Date;
}

/** The OAuth2 connection of the mailbox, as the settings screen shows it: never a token. */
export class OAuthConnectionResponse {
  @ApiProperty({ enum: ['microsoft', 'google', 'custom'], example: 'microsoft' })
  provider!: OAuthProvider;

  @ApiProperty({ example: 'support@contoso.com', description: 'The account that granted access' })
  account!: string;

  @ApiProperty({ example: '2026-01-15T09:30:00.000Z' })
  connectedAt!: Date;

  @ApiProperty({
    enum: ['connected', 'needs-reauth'],
    example: 'connected',
    description: 'needs-reauth: the provider no longer accepts the grant; reconnect the mailbox',
  })
  status!: OAuthConnectionSnapshot['status'];

  @ApiProperty({ type: Date, nullable: true, example: '2026-01-15T10:29:00.000Z' })
  lastRefreshAt!: Date | null;

  @ApiProperty({ type: OAuthErrorResponse, nullable: true })
  lastError!: OAuthErrorResponse | null;

  static from(snapshot: OAuthConnectionSnapshot): OAuthConnectionResponse {
    const { provider, account, connectedAt, status, lastRefreshAt, lastError } = snapshot;
    return { provider, account, connectedAt, status, lastRefreshAt, lastError };
  }
}

export class EmailSettingsResponse {
  @ApiProperty({ type: IncomingSettingsResponse, nullable: true, description: 'null until saved' })
  incoming!: IncomingSettingsResponse | null;

  @ApiProperty({ type: OutgoingSettingsResponse, nullable: true, description: 'null until saved' })
  outgoing!: OutgoingSettingsResponse | null;

  @ApiProperty({ type: OAuthConnectionResponse, nullable: true, description: 'null when no account is connected' })
  oauth!: OAuthConnectionResponse | null;
}
