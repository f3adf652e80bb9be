import { Module } from '@nestjs/common';
import { SmtpMailerDriver } from './drivers/smtp-mailer.driver';
import { MAILER_DRIVER, MailerService } from './mailer.service';

/** Sends mail over SMTP. Knows nothing of settings storage or tickets. */
@Module({
  providers: [{ provide: MAILER_DRIVER, useClass: SmtpMailerDriver }, MailerService],
  exports: [MailerService],
})
export class MailerModule {}
