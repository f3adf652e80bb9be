import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import type { OutgoingMessage } from '../mailer/mailer.types';
import type { SmtpConnectionSettings } from '../mailer/smtp-settings';
import { MailerService } from '../mailer/mailer.service';
import { EmailSettingsService } from '../settings/email-settings.service';
import type { AlertRecipient } from '../users/users.service';
import type { AlertMail } from './alert-messages';

/** One way to send: the platform's server or the organization's own. */
interface Route {
  name: 'system' | 'organization';
  from: OutgoingMessage['from'];
  send(message: OutgoingMessage): Promise<unknown>;
}

/**
 * Sends alert mail straight over SMTP, never through the notifications outbox (which may be what is
 * stuck): through the platform's own server (SYSTEM_SMTP_URL) first, since the organization's server may
 * be what is broken, and through the organization's outgoing settings when there is no platform server
 * or it refused. One message per admin, so one bad address does not hold up the others.
 */
@Injectable()
export class AlertMailer {
  private readonly logger = new Logger(AlertMailer.name);

  constructor(
    private readonly mailer: MailerService,
    private readonly emailSettings: EmailSettingsService,
    private readonly config: AppConfig,
  ) {}

  /** Returns how many admins it reached; a failure per admin is logged (without the message). */
  async send(organizationId: string, recipients: AlertRecipient[], mail: AlertMail): Promise<number> {
    const routes = await this.routes(organizationId);
    let delivered = 0;
    for (const recipient of recipients) {
      for (const route of routes) {
        try {
          await route.send({ ...mail, from: route.from, to: [recipient.email] });
          delivered += 1;
          break;
        } catch (error) {
          this.logger.warn(
            { organizationId, route: route.name, error: error instanceof Error ? error.message : String(error) },
            'An alert mail could not be sent',
          );
        }
      }
    }
    return delivered;
  }

  private async routes(organizationId: string): Promise<Route[]> {
    const routes: Route[] = [];
    const system = this.config.systemSmtp;
    if (system) {
      const { from, ...settings } = system;
      routes.push({
        name: 'system',
        from: { address: from, name: 'Helpdesk alerts' },
        send: (message) => this.mailer.sendAsPlatform(settings, message),
      });
    }
    const own = await this.organizationConnection(organizationId);
    if (own) {
      const settings: SmtpConnectionSettings = own.settings;
      routes.push({ name: 'organization', from: own.from, send: (message) => this.mailer.send(settings, message) });
    }
    return routes;
  }

  /** The organization's outgoing settings; null when there are none or they cannot be used. */
  private async organizationConnection(organizationId: string) {
    try {
      return await this.emailSettings.getOutgoingConnection(organizationId);
    } catch (error) {
      this.logger.warn(
        { organizationId, error: error instanceof Error ? error.message : String(error) },
        'The outgoing settings cannot carry alert mail',
      );
      return null;
    }
  }
}
