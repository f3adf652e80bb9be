import { Injectable } from '@nestjs/common';
import { SecretBox } from '../common/crypto/secret-box';
import { secretContext } from '../common/crypto/secret-column';
import { MailConnectionError } from '../common/net/mail-connection-error';
import type { ImapCredential } from '../mailbox/imap-settings';
import { MailAccessTokens, type MailAccessToken } from '../oauth/mail-access-tokens';
import { INCOMING_PASSWORD } from './email-settings-secrets';
import type { IncomingEmailSettings } from './incoming-email-settings.entity';
import { MailboxGrantError } from './mailbox-grant-error';

/** Ask the OAuth module for a token the provider issues anew, after a server refused the cached one. */
export interface TokenOptions {
  forceRefresh?: boolean;
}

/**
 * Opens what the incoming account logs in with, just before a connection: the sealed password, or an
 * access token from the organization's OAuth connection. Neither is kept.
 */
@Injectable()
export class MailCredentials {
  constructor(
    private readonly secrets: SecretBox,
    private readonly tokens: MailAccessTokens,
  ) {}

  async incoming(
    organizationId: string,
    row: IncomingEmailSettings,
    options: TokenOptions = {},
  ): Promise<ImapCredential> {
    if (row.auth === 'oauth2') return { accessToken: (await this.token(organizationId, options)).accessToken };
    return { password: this.incomingPassword(organizationId, row) };
  }

  incomingPassword(organizationId: string, row: IncomingEmailSettings): string {
    if (row.passwordSealed === null) throw new Error(`Incoming settings of ${organizationId} have no password`);
    return this.secrets.open(row.passwordSealed, secretContext(INCOMING_PASSWORD, organizationId));
  }

  /** A token for the connected account; a grant that cannot give one is a MailboxGrantError. */
  async token(organizationId: string, options: TokenOptions = {}): Promise<MailAccessToken> {
    try {
      return await this.tokens.get(organizationId, options);
    } catch (error) {
      if (error instanceof MailConnectionError && error.reason === 'auth') throw new MailboxGrantError(error);
      throw error;
    }
  }
}
