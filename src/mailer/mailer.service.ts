import { Inject, Injectable } from '@nestjs/common';
import type { MailConnectOptions } from '../common/net/mail-connect-options';
import { AppConfig } from '../config/app-config';
import type { MailerDriver, MailerPool, OutgoingMessage, SendResult } from './mailer.types';
import type { SmtpConnectionSettings } from './smtp-settings';

/** Injection token of the MailerDriver (SMTP in production; a test can swap it). */
export const MAILER_DRIVER = Symbol('MailerDriver');

/**
 * Sends through a tenant's outgoing server with the process-wide step timeout and outbound host policy
 * applied. Connection checks fail with MailConnectionError, sending with SmtpSendError.
 */
@Injectable()
export class MailerService {
  private readonly options: MailConnectOptions;

  constructor(
    @Inject(MAILER_DRIVER) private readonly driver: MailerDriver,
    config: AppConfig,
  ) {
    this.options = config.mail.connect;
  }

  /** Connects, secures and logs in as configured, then quits without sending. */
  testConnection(settings: SmtpConnectionSettings): Promise<void> {
    return this.driver.testConnection(settings, this.options);
  }

  send(settings: SmtpConnectionSettings, message: OutgoingMessage): Promise<SendResult> {
    return this.driver.send(settings, message, this.options);
  }

  /**
   * Sends through the platform's own server, which the operator configured (SYSTEM_SMTP_URL): private
   * and loopback hosts are allowed (the operator's relay often is one); the metadata address never is.
   */
  sendAsPlatform(settings: SmtpConnectionSettings, message: OutgoingMessage): Promise<SendResult> {
    return this.driver.send(settings, message, { ...this.options, policy: { allowPrivate: true, allowedHosts: [] } });
  }

  /** Keeps up to `maxConnections` connections open between messages; the caller closes the pool. */
  createPool(settings: SmtpConnectionSettings, maxConnections?: number): Promise<MailerPool> {
    return this.driver.createPool(settings, { ...this.options, maxConnections });
  }
}
