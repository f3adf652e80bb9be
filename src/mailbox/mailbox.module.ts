import { Module } from '@nestjs/common';
import { ImapMailboxDriver } from './drivers/imap-mailbox.driver';
import { MAILBOX_DRIVER, MailboxService } from './mailbox.service';

/** Reads tenants' mailboxes over IMAP. Knows nothing of settings storage or tickets. */
@Module({
  providers: [{ provide: MAILBOX_DRIVER, useClass: ImapMailboxDriver }, MailboxService],
  exports: [MailboxService],
})
export class MailboxModule {}
