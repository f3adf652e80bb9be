import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import type { FieldError } from '../../common/errors/domain-error';
import type { MailSecurity } from '../../common/net/mail-connect-options';
import { SMTP_AUTHENTICATIONS, type SmtpAuthentication } from '../outgoing-email-settings.entity';
import { IsSingleLine } from '../../common/http/is-single-line';
import { IsMailHost, MAIL_SECURITIES } from './mail-validators';

const PRESET_NOTE =
  'Required, unless the incoming account uses auth "oauth2" with a connected provider: then it defaults to its ' +
  'SMTP server (Microsoft smtp.office365.com:587 starttls, Google smtp.gmail.com:465 tls).';

/** The outgoing (SMTP) server. */
export class OutgoingSettingsDto {
  @ApiPropertyOptional({
    example: 'smtp.example.com',
    description: `Server name or IP address, without scheme or port. ${PRESET_NOTE}`,
  })
  @IsOptional()
  @IsMailHost()
  host?: string;

  @ApiPropertyOptional({
    type: 'integer',
    example: 465,
    minimum: 1,
    maximum: 65535,
    description: `Usually 465 with tls, 587 with starttls. ${PRESET_NOTE}`,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;

  @ApiPropertyOptional({ enum: MAIL_SECURITIES, example: 'tls', description: PRESET_NOTE })
  @IsOptional()
  @IsIn(MAIL_SECURITIES)
  security?: MailSecurity;

  @ApiPropertyOptional({
    enum: SMTP_AUTHENTICATIONS,
    default: 'login',
    example: 'login',
    description: 'login: authenticate (AUTH); none: send anonymously, e.g. through a relay that trusts this server',
  })
  @IsOptional()
  @IsIn(SMTP_AUTHENTICATIONS)
  authentication?: SmtpAuthentication;

  @ApiPropertyOptional({
    default: true,
    example: true,
    description:
      'Log in with the incoming username and password, or with its OAuth2 account (with authentication "login"). ' +
      'Allowed only when host is the ' +
      "incoming host or its provider's SMTP host (e.g. smtp.gmail.com for imap.gmail.com), over a connection as " +
      'protected as the incoming one; otherwise set it to false and give this server its own credentials.',
  })
  @IsOptional()
  @IsBoolean()
  useIncomingCredentials?: boolean;

  @ApiPropertyOptional({
    example: 'mailer@example.com',
    description: 'Only, and then required, when useIncomingCredentials is false',
  })
  @IsOptional()
  @IsString()
  @Length(1, 320)
  @IsSingleLine()
  username?: string;

  @ApiPropertyOptional({
    example: 'smtp-password-123',
    description:
      'Only when useIncomingCredentials is false. Stored encrypted and never returned; may be omitted to keep the stored one while host, port, security, verifyCertificate and username stay the same.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  password?: string;

  @ApiPropertyOptional({
    example: 'support@example.com',
    description: "Sender address. Defaults to the incoming settings' address (or username, when that is an address).",
  })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  fromAddress?: string;

  @ApiPropertyOptional({ example: 'Example Support', description: 'Sender display name' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @IsSingleLine()
  fromName?: string;

  @ApiPropertyOptional({ example: true, default: true })
  @IsOptional()
  @IsBoolean()
  verifyCertificate?: boolean;
}

/** Which credentials an outgoing setting logs in with. */
export type OutgoingLogin = 'incoming' | 'own' | 'none';

export function outgoingLogin(dto: OutgoingSettingsDto): OutgoingLogin {
  if ((dto.authentication ?? 'login') === 'none') return 'none';
  return (dto.useIncomingCredentials ?? true) ? 'incoming' : 'own';
}

/**
 * The rules that span fields: own username and password belong only to `useIncomingCredentials: false`
 * (with authentication "login"), and there the username is required. Unused values are refused rather than
 * silently dropped.
 */
export function outgoingCredentialErrors(dto: OutgoingSettingsDto): FieldError[] {
  const login = outgoingLogin(dto);
  const errors: FieldError[] = [];
  if (login === 'none' && dto.useIncomingCredentials === true) {
    errors.push({
      field: 'useIncomingCredentials',
      messages: ['useIncomingCredentials cannot be true when authentication is "none"'],
    });
  }
  for (const field of ['username', 'password'] as const) {
    if (login !== 'own' && dto[field] !== undefined && dto[field] !== null) {
      errors.push({
        field,
        messages: [`${field} is only used when authentication is "login" and useIncomingCredentials is false`],
      });
    }
  }
  if (login === 'own' && (dto.username === undefined || dto.username === null)) {
    errors.push({ field: 'username', messages: ['username is required when useIncomingCredentials is false'] });
  }
  return errors;
}
