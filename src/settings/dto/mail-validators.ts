import { isIP } from 'node:net';
import { ValidateBy, type ValidationOptions } from 'class-validator';
import type { MailSecurity } from '../../common/net/mail-connect-options';
import { isHostName } from '../../config/host-name';

export const MAIL_SECURITIES: readonly MailSecurity[] = ['tls', 'starttls', 'none'];

/** A bare host name or IP address: no scheme, port, path or spaces. */
export function isMailHost(value: unknown): boolean {
  return typeof value === 'string' && (isIP(value) !== 0 || isHostName(value));
}

export const IsMailHost = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isMailHost',
      validator: {
        validate: isMailHost,
        defaultMessage: (args) =>
          `${args?.property ?? 'host'} must be a server name such as imap.example.com or an IP address (no scheme, port or spaces)`,
      },
    },
    options,
  );
