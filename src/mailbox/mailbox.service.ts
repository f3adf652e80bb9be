import { Inject, Injectable } from '@nestjs/common';
import type { MailConnectOptions } from '../common/net/mail-connect-options';
import { AppConfig } from '../config/app-config';
import type { ImapConnectionSettings } from './imap-settings';
import type { MailboxWatch, MailboxWatchOptions } from './mailbox-watch';
import type { ConnectionTestResult, MailboxDriver, MailboxSession } from './mailbox.types';

/** Injection token of the MailboxDriver (IMAP in production; a test can swap it). */
export const MAILBOX_DRIVER = Symbol('MailboxDriver');

/**
 * A tenant's mailbox, reached through the driver with the process-wide step timeout and outbound host
 * policy applied, so no caller can forget either. Failures are MailConnectionErrors.
 */
@Injectable()
export class MailboxService {
  private readonly options: MailConnectOptions;

  constructor(
    @Inject(MAILBOX_DRIVER) private readonly driver: MailboxDriver,
    config: AppConfig,
  ) {
    this.options = config.mail.connect;
  }

  /** Connects, logs in, opens the folder read-only and logs out. */
  testConnection(settings: ImapConnectionSettings): Promise<ConnectionTestResult> {
    return this.driver.testConnection(settings, this.options);
  }

  /** An open session with the folder selected read-write; the caller closes it. */
  openSession(settings: ImapConnectionSettings): Promise<MailboxSession> {
    return this.driver.openSession(settings, this.options);
  }

  /** A connection that listens for changes to the folder until it is closed or lost; the caller closes it. */
  openWatch(settings: ImapConnectionSettings, watch: MailboxWatchOptions): Promise<MailboxWatch> {
    return this.driver.openWatch(settings, this.options, watch);
  }
}
