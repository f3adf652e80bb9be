import type { MailConnectOptions } from '../../common/net/mail-connect-options';
import { classifyMailError } from '../../common/net/mail-connection-error';
import type { MailerDriver, MailerPool, MailerPoolOptions, OutgoingMessage, SendResult } from '../mailer.types';
import { toSmtpSendError } from '../smtp-send-error';
import type { SmtpConnectionSettings } from '../smtp-settings';
import { createSmtpTransport, sendWith, smtpTransportOptions, verifyWith } from './smtp-transport';

/** MailerDriver over SMTP (nodemailer). Stateless apart from the pools it hands out. */
export class SmtpMailerDriver implements MailerDriver {
  async testConnection(settings: SmtpConnectionSettings, options: MailConnectOptions): Promise<void> {
    const transport = createSmtpTransport(await smtpTransportOptions(settings, options));
    try {
      await verifyWith(transport, options.timeoutMs);
    } catch (err) {
      throw classifyMailError(err);
    } finally {
      transport.close();
    }
  }

  async send(
    settings: SmtpConnectionSettings,
    message: OutgoingMessage,
    options: MailConnectOptions,
  ): Promise<SendResult> {
    try {
      const transport = createSmtpTransport(await smtpTransportOptions(settings, options));
      try {
        return await sendWith(transport, message, options.timeoutMs);
      } finally {
        transport.close();
      }
    } catch (err) {
      throw toSmtpSendError(err);
    }
  }

  async createPool(settings: SmtpConnectionSettings, options: MailerPoolOptions): Promise<MailerPool> {
    const transportOptions = await smtpTransportOptions(settings, options).catch((err: unknown) => {
      throw toSmtpSendError(err);
    });
    const transport = createSmtpTransport(transportOptions, options.maxConnections ?? 1);
    return {
      send: (message) =>
        sendWith(transport, message, options.timeoutMs).catch((err: unknown) => {
          throw toSmtpSendError(err);
        }),
      close: () => transport.close(),
    };
  }
}
