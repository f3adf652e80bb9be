import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { MailerService } from '../mailer/mailer.service';

/** A message from the platform itself (not from a tenant's support address): plain text to one person. */
export interface SystemMessage {
  to: string;
  subject: string;
  text: string;
}

/**
 * Mail sent by the platform, not by a tenant: password links, invitations, admin alerts. Goes out
 * through SYSTEM_SMTP_URL; without it `available` is false and `send` refuses with
 * SYSTEM_MAIL_UNAVAILABLE, so a caller can say "not configured" instead of failing later.
 */
@Injectable()
export class SystemMailer {
  private readonly logger = new Logger(SystemMailer.name);

  constructor(
    private readonly config: AppConfig,
    private readonly mailer: MailerService,
  ) {}

  get available(): boolean {
    return this.config.systemSmtp !== null;
  }

  /** Delivers now; fails with the mailer's SmtpSendError when the server refuses or cannot be reached. */
  async send(message: SystemMessage): Promise<void> {
    const smtp = this.config.systemSmtp;
    if (!smtp) throw systemMailUnavailable();
    const { from, ...settings } = smtp;
    await this.mailer.sendAsPlatform(settings, {
      from: { address: from, name: 'helpdesk-mail' },
      to: [message.to],
      subject: message.subject,
      text: message.text,
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
    this.logger.log(`Sent "${message.subject}" to one recipient`);
  }
}

/** 503 with a code a client can show as "the platform cannot send mail". */
export function systemMailUnavailable(): DomainError {
  return new DomainError(
    'unavailable',
    'SYSTEM_MAIL_UNAVAILABLE',
    'The platform has no outgoing mail server (SYSTEM_SMTP_URL is not set), so it cannot send this link',
  );
}
