import { ApiProperty } from '@nestjs/swagger';
import type { MailSecurity } from '../../common/net/mail-connect-options';
import type { IncomingEmailSettings } from '../incoming-email-settings.entity';
import {
  SMTP_AUTHENTICATIONS,
  type OutgoingEmailSettings,
  type SmtpAuthentication,
} from '../outgoing-email-settings.entity';
import { MAIL_SECURITIES } from './mail-validators';

export class IncomingSettingsResponse {
  @ApiProperty({ example: 'imap.example.com' })
  host!: string;

  @ApiProperty({ example: 993 })
  port!: number;

  @ApiProperty({ enum: MAIL_SECURITIES, example: 'tls' })
  security!: MailSecurity;

  @ApiProperty({ example: 'support@example.com' })
  username!: string;

  @ApiProperty({ example: true, description: 'The password itself is never returned' })
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
    const { host, port, security, username, folder, verifyCertificate, address, updatedAt } = row;
    return {
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

export class EmailSettingsResponse {
  @ApiProperty({ type: IncomingSettingsResponse, nullable: true, description: 'null until saved' })
  incoming!: IncomingSettingsResponse | null;

  @ApiProperty({ type: OutgoingSettingsResponse, nullable: true, description: 'null until saved' })
  outgoing!: OutgoingSettingsResponse | null;
}
