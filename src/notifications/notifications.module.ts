import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailerModule } from '../mailer/mailer.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { SettingsModule } from '../settings/settings.module';
import { TicketsModule } from '../tickets/tickets.module';
import { UsersModule } from '../users/users.module';
import { NotificationEvent } from './notification-event.entity';
import { NotificationEventsRepository } from './notification-events.repository';
import { NotificationOutbox } from './notification-outbox';
import { NotificationPlanner } from './notification-planner';
import { NotificationSender } from './notification-sender';
import { NotificationSettings } from './notification-settings.entity';
import { NotificationSettingsController } from './notification-settings.controller';
import { NotificationSettingsRepository } from './notification-settings.repository';
import { NotificationSettingsService } from './notification-settings.service';
import { Notification } from './notification.entity';
import { NotificationsController } from './notifications.controller';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';
import { OutboxHealth } from './outbox-health';

/**
 * Email notifications, driven only by ticket events: an outbox row written in the event's own
 * transaction, planned into rendered, signed and threaded messages, and sent over pooled SMTP
 * connections with retries. Its own module (not Mailer's) because Settings already imports Mailer.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Notification, NotificationEvent, NotificationSettings]),
    MailerModule,
    SettingsModule,
    TicketsModule,
    UsersModule,
    OrganizationsModule,
  ],
  controllers: [NotificationsController, NotificationSettingsController],
  providers: [
    NotificationsRepository,
    NotificationEventsRepository,
    NotificationSettingsRepository,
    NotificationSettingsService,
    NotificationPlanner,
    NotificationSender,
    NotificationOutbox,
    NotificationsService,
    OutboxHealth,
  ],
  exports: [OutboxHealth],
})
export class NotificationsModule {}
