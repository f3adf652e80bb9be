import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { OrganizationsService } from '../organizations/organizations.service';
import { UsersService } from '../users/users.service';
import { AlertMailer } from './alert-mailer';
import { composeAlertMail } from './alert-messages';
import type { Incident } from './incident.entity';
import { IncidentsRepository, type Notice } from './incidents.repository';

/** At most one reminder a day while an incident stays open. */
export const REMINDER_INTERVAL_MS = 24 * 3600 * 1000;

/**
 * Sends one notice of an incident to the organization's admins, once: the notice is claimed in the
 * database first (a conditional UPDATE), so a retry, a restart or another instance cannot send it again.
 * A notice that reached nobody is given back, and the periodic check tries it again. A crash between
 * the claim and the send loses that mail rather than risk sending it twice.
 */
@Injectable()
export class AlertNotices {
  private readonly logger = new Logger(AlertNotices.name);

  constructor(
    private readonly incidents: IncidentsRepository,
    private readonly users: UsersService,
    private readonly organizations: OrganizationsService,
    private readonly mailer: AlertMailer,
    private readonly config: AppConfig,
  ) {}

  /** The notice an incident may be due, if any (the claim decides whether it really is). */
  static dueNotice(incident: Incident): Notice | null {
    if (incident.status === 'resolved')
      return incident.openedNotifiedAt && !incident.recoveredNotifiedAt ? 'recovered' : null;
    return incident.openedNotifiedAt ? 'reminder' : 'opened';
  }

  async send(incident: Incident, notice: Notice): Promise<void> {
    const { organizationId, id } = incident;
    const now = new Date();
    const remindBefore = new Date(now.getTime() - REMINDER_INTERVAL_MS);
    if (!(await this.incidents.claim(organizationId, id, notice, now, remindBefore))) return;
    try {
      const recipients = await this.users.alertRecipients(organizationId);
      if (recipients.length === 0) return;
      const organization = await this.organizations.findById(organizationId);
      const current = (await this.incidents.find(organizationId, id)) ?? incident;
      const mail = composeAlertMail(current, notice, organization?.name ?? 'your organization', this.config.publicUrl);
      if ((await this.mailer.send(organizationId, recipients, mail)) === 0) {
        await this.incidents.release(organizationId, id, notice);
      }
    } catch (error) {
      this.logger.error({ err: error, organizationId, incidentId: id, notice }, 'An alert notice failed');
      await this.incidents.release(organizationId, id, notice).catch(() => undefined);
    }
  }
}
