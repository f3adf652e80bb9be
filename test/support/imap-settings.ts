import type { MailConnectOptions } from '../../src/common/net/mail-connect-options';
import type { ImapConnectionSettings } from '../../src/mailbox/imap-settings';
import type { DovecotServer, TestUser } from '../harness/dovecot';

/** How the driver specs connect to the harness's Dovecot: loopback allowed, a short step timeout. */
export const LOOPBACK_CONNECT: MailConnectOptions = {
  timeoutMs: 3_000,
  policy: { allowPrivate: true, allowedHosts: [] },
};

/** Plain IMAP to a user's INBOX on the harness's Dovecot, with any field overridden. */
export function imapSettingsFor(
  dovecot: DovecotServer,
  user: TestUser,
  overrides: Partial<Omit<ImapConnectionSettings, 'password' | 'accessToken'>> & { password?: string } = {},
): ImapConnectionSettings {
  return {
    host: dovecot.host,
    port: dovecot.imapPort,
    security: 'none',
    username: user.user,
    password: user.password,
    verifyCertificate: false,
    folder: 'INBOX',
    ...overrides,
  };
}
