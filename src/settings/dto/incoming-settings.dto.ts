import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import type { MailSecurity } from '../../common/net/mail-connect-options';
import { IsSingleLine } from '../../common/http/is-single-line';
import { INCOMING_AUTHS, type IncomingAuth } from '../incoming-email-settings.entity';
import { IsMailHost, MAIL_SECURITIES } from './mail-validators';

const PRESET_NOTE =
  'Required with auth "password"; with auth "oauth2" it defaults to the connected provider\'s server ' +
  '(Microsoft outlook.office365.com:993 tls, Google imap.gmail.com:993 tls).';

/** The incoming (IMAP) account, as saved by PUT and as tested without saving. */
export class IncomingSettingsDto {
  @ApiPropertyOptional({
    enum: INCOMING_AUTHS,
    default: 'password',
    example: 'password',
    description:
      'password: log in with the mailbox password; oauth2: with a token of the account connected through ' +
      'POST /api/v1/settings/email/oauth/authorize (Microsoft 365, Google), no password stored',
  })
  @IsOptional()
  @IsIn(INCOMING_AUTHS)
  auth?: IncomingAuth;

  @ApiPropertyOptional({
    example: 'imap.example.com',
    description: `Server name or IP address, without scheme or port. ${PRESET_NOTE}`,
  })
  @IsOptional()
  @IsMailHost()
  host?: string;

  @ApiPropertyOptional({
    type: 'integer',
    example: 993,
    minimum: 1,
    maximum: 65535,
    description: `Usually 993 with tls, 143 with starttls. ${PRESET_NOTE}`,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;

  @ApiPropertyOptional({
    enum: MAIL_SECURITIES,
    example: 'tls',
    description:
      'tls: encrypted from the start; starttls: upgraded, and refused if the server cannot; none: clear text. ' +
      PRESET_NOTE,
  })
  @IsOptional()
  @IsIn(MAIL_SECURITIES)
  security?: MailSecurity;

  @ApiPropertyOptional({
    example: 'support@example.com',
    description:
      'IMAP login, usually the email address. Required with auth "password"; with auth "oauth2" it defaults to ' +
      'the connected account, or names a shared mailbox that account may open.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 320)
  @IsSingleLine()
  username?: string;

  @ApiPropertyOptional({
    example: 'app-password-123',
    description:
      'Only with auth "password". Stored encrypted and never returned. May be omitted to keep the stored password, as long as host, port, security, verifyCertificate and username stay the same.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  password?: string;

  @ApiPropertyOptional({ example: 'INBOX', default: 'INBOX', description: 'The folder new tickets come from' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  @IsSingleLine()
  folder?: string;

  @ApiPropertyOptional({
    example: true,
    default: true,
    description: "Check the server's certificate; turn off only for a server you trust with a self-signed certificate",
  })
  @IsOptional()
  @IsBoolean()
  verifyCertificate?: boolean;

  @ApiPropertyOptional({
    example: 'support@example.com',
    description:
      'The address customers write to. Defaults to the username when that is an address; used as the round-trip check recipient.',
  })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  address?: string;
}
