import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import type { MailSecurity } from '../../common/net/mail-connect-options';
import { IsSingleLine } from '../../common/http/is-single-line';
import { IsMailHost, MAIL_SECURITIES } from './mail-validators';

/** The incoming (IMAP) account, as saved by PUT and as tested without saving. */
export class IncomingSettingsDto {
  @ApiProperty({ example: 'imap.example.com', description: 'Server name or IP address, without scheme or port' })
  @IsMailHost()
  host!: string;

  @ApiProperty({
    type: 'integer',
    example: 993,
    minimum: 1,
    maximum: 65535,
    description: 'Usually 993 with tls, 143 with starttls',
  })
  @IsInt()
  @Min(1)
  @Max(65535)
  port!: number;

  @ApiProperty({
    enum: MAIL_SECURITIES,
    example: 'tls',
    description:
      'tls: encrypted from the start; starttls: upgraded, and refused if the server cannot; none: clear text',
  })
  @IsIn(MAIL_SECURITIES)
  security!: MailSecurity;

  @ApiProperty({ example: 'support@example.com', description: 'IMAP login, usually the email address' })
  @IsString()
  @Length(1, 320)
  @IsSingleLine()
  username!: string;

  @ApiPropertyOptional({
    example: 'app-password-123',
    description:
      'Stored encrypted and never returned. May be omitted to keep the stored password, as long as host, port, security, verifyCertificate and username stay the same.',
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
