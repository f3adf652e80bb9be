import { Module } from '@nestjs/common';
import { MailerModule } from '../mailer/mailer.module';
import { SystemMailer } from './system-mailer';

/** The platform's own outgoing mail (SYSTEM_SMTP_URL), for password links and alerts. */
@Module({
  imports: [MailerModule],
  providers: [SystemMailer],
  exports: [SystemMailer],
})
export class SystemMailModule {}
