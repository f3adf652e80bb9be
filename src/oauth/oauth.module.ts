import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { CryptoModule } from '../common/crypto/crypto.module';
import { LeasesModule } from '../leases/leases.module';
import { MailAccessTokens } from './mail-access-tokens';
import { OAuthApp } from './oauth-app.entity';
import { OAuthAppService } from './oauth-app.service';
import { OAuthAppsRepository } from './oauth-apps.repository';
import { OAuthAuthorization } from './oauth-authorization.entity';
import { OAuthAuthorizationsRepository } from './oauth-authorizations.repository';
import { OAuthClient } from './oauth-client';
import { OAuthConnectService } from './oauth-connect.service';
import { OAuthConnection } from './oauth-connection.entity';
import { OAuthConnectionsRepository } from './oauth-connections.repository';
import { OAuthController } from './oauth.controller';
import { OAuthTokensService } from './oauth-tokens.service';

/**
 * OAuth2 for mailboxes: the app registration, connecting an account (authorization code with PKCE, or
 * app-only client credentials), and access tokens for mail logins. Other modules use only the exported
 * MailAccessTokens and the `oauth.*` domain events; this module imports no feature module of theirs.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([OAuthApp, OAuthConnection, OAuthAuthorization]),
    CryptoModule,
    LeasesModule,
    AuditModule,
  ],
  controllers: [OAuthController],
  providers: [
    OAuthAppsRepository,
    OAuthConnectionsRepository,
    OAuthAuthorizationsRepository,
    OAuthAppService,
    OAuthClient,
    OAuthConnectService,
    { provide: MailAccessTokens, useClass: OAuthTokensService },
  ],
  exports: [MailAccessTokens],
})
export class OAuthModule {}
