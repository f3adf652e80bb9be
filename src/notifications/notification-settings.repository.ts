import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { StoredNotificationSettings } from './notification-kinds';
import { NotificationSettings } from './notification-settings.entity';

/** The only place that touches notification_settings. Organization id first. */
@Injectable()
export class NotificationSettingsRepository {
  constructor(@InjectRepository(NotificationSettings) private readonly rows: Repository<NotificationSettings>) {}

  async find(organizationId: string): Promise<StoredNotificationSettings | null> {
    return (await this.rows.findOneBy({ organizationId }))?.settings ?? null;
  }

  async save(organizationId: string, settings: StoredNotificationSettings): Promise<void> {
    await this.rows.upsert({ organizationId, settings, updatedAt: new Date() }, ['organizationId']);
  }
}
