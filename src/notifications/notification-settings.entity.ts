import { Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import type { StoredNotificationSettings } from './notification-kinds';

/** An organization's notification choices; absent means the built-in defaults. */
@Entity('notification_settings')
export class NotificationSettings {
  @PrimaryColumn({ name: 'organization_id', type: 'uuid' })
  @ForeignKey('Organization', { name: 'FK_notification_settings_organization', onDelete: 'CASCADE' })
  organizationId!: string;

  @Column({ type: 'simple-json' })
  settings!: StoredNotificationSettings;

  @Column({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
