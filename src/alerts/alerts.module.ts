import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailerModule } from '../mailer/mailer.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { SettingsModule } from '../settings/settings.module';
import { UsersModule } from '../users/users.module';
import { AlertChecks } from './alert-checks';
import { AlertListeners } from './alert-listeners';
import { AlertMailer } from './alert-mailer';
import { AlertNotices } from './alert-notices';
import { AlertsController } from './alerts.controller';
import { AlertsService } from './alerts.service';
import { Incident } from './incident.entity';
import { IncidentsRepository } from './incidents.repository';

/**
 * Incidents per organization (sync failing, notifications failing, messages in the failures list) and
 * the alert mail to its admins: one when an incident opens, a reminder a day at most, one when it clears.
 * Learns of sync through events only; Sync imports it for the `alert` of `GET /sync`.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Incident]),
    MailerModule,
    NotificationsModule,
    OrganizationsModule,
    SettingsModule,
    UsersModule,
  ],
  controllers: [AlertsController],
  providers: [IncidentsRepository, AlertsService, AlertNotices, AlertMailer, AlertListeners, AlertChecks],
  exports: [AlertsService],
})
export class AlertsModule {}
