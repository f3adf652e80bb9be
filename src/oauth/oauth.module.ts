import { Injectable, Module } from '@nestjs/common';
import { MailConnectionError } from '../common/net/mail-connection-error';
import { MailAccessTokens, type MailAccessToken, type OAuthConnectionSnapshot } from './mail-access-tokens';

/** Stand-in until the OAuth module lands: no organization is connected. */
@Injectable()
class NoMailAccessTokens extends MailAccessTokens {
  get(): Promise<MailAccessToken> {
    return Promise.reject(
      new MailConnectionError('auth', 'The mailbox is not connected', { hint: 'Reconnect the mailbox' }),
    );
  }

  connection(): Promise<OAuthConnectionSnapshot | null> {
    return Promise.resolve(null);
  }
}

@Module({
  providers: [{ provide: MailAccessTokens, useClass: NoMailAccessTokens }],
  exports: [MailAccessTokens],
})
export class OAuthModule {}
