import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CryptoModule } from '../common/crypto/crypto.module';
import { MailboxModule } from '../mailbox/mailbox.module';
import { MailerModule } from '../mailer/mailer.module';
import { OAuthModule } from '../oauth/oauth.module';
import { EmailSettingsCheckService } from './email-settings-check.service';
import { EmailSettingsController } from './email-settings.controller';
import { EmailSettingsRepository } from './email-settings.repository';
import { EmailSettingsService } from './email-settings.service';
import { IncomingEmailSettings } from './incoming-email-settings.entity';
import { MailCredentials } from './mail-credentials';
import { OutgoingEmailSettings } from './outgoing-email-settings.entity';

/**
 * Per-organization email settings. Other modules read them only through EmailSettingsService, which
 * hands out ready-to-use connection settings (passwords opened, OAuth2 access tokens fetched) and emits
 * `settings.email.changed`.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([IncomingEmailSettings, OutgoingEmailSettings]),
    CryptoModule,
    MailboxModule,
    MailerModule,
    OAuthModule,
  ],
  controllers: [EmailSettingsController],
  providers: [EmailSettingsRepository, EmailSettingsService, EmailSettingsCheckService, MailCredentials],
  exports: [EmailSettingsService],
})
export class SettingsModule {}
