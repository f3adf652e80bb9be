import { Injectable } from '@nestjs/common';
import { ValidationFailedError, type FieldError } from '../common/errors/domain-error';
import type { UpdateNotificationSettingsDto } from './dto/update-notification-settings.dto';
import {
  DEFAULT_NOTIFICATION_SETTINGS,
  NOTIFICATION_KINDS,
  type NotificationTemplate,
  type StoredNotificationSettings,
} from './notification-kinds';
import { NotificationSettingsRepository } from './notification-settings.repository';
import { templateErrors } from './notification-templates';

/** Stored settings over the defaults: a kind or field added later gets its default. */
function withDefaults(stored: StoredNotificationSettings | null): StoredNotificationSettings {
  const templates = { ...DEFAULT_NOTIFICATION_SETTINGS.templates };
  for (const kind of NOTIFICATION_KINDS) {
    templates[kind] = { ...templates[kind], ...(stored?.templates?.[kind] ?? {}) };
  }
  return {
    templates,
    newTicketRecipients: stored?.newTicketRecipients ?? DEFAULT_NOTIFICATION_SETTINGS.newTicketRecipients,
  };
}

/** Which notifications an organization sends and how they read. Templates are checked when saved. */
@Injectable()
export class NotificationSettingsService {
  constructor(private readonly repository: NotificationSettingsRepository) {}

  async get(organizationId: string): Promise<StoredNotificationSettings> {
    return withDefaults(await this.repository.find(organizationId));
  }

  /** Fields left out keep their current value. An unknown placeholder is a 400 naming the field. */
  async update(organizationId: string, dto: UpdateNotificationSettingsDto): Promise<StoredNotificationSettings> {
    const next = await this.get(organizationId);
    const errors: FieldError[] = [];
    for (const kind of NOTIFICATION_KINDS) {
      const change = dto.notifications?.[kind];
      if (!change) continue;
      const template: NotificationTemplate = { ...next.templates[kind] };
      if (change.enabled !== undefined) template.enabled = change.enabled;
      if (change.subject !== undefined) template.subject = change.subject;
      if (change.body !== undefined) template.body = change.body;
      for (const field of ['subject', 'body'] as const) {
        const messages = templateErrors(template[field]).map((message) => `${field} ${message}`);
        if (messages.length > 0) errors.push({ field: `notifications.${kind}.${field}`, messages });
      }
      next.templates[kind] = template;
    }
    if (dto.newTicketRecipients) {
      const { mode, addresses = [] } = dto.newTicketRecipients;
      const unique = [...new Set(addresses.map((address) => address.trim().toLowerCase()))];
      if (mode === 'list' && unique.length === 0) {
        errors.push({ field: 'newTicketRecipients.addresses', messages: ['addresses must list at least one address'] });
      }
      next.newTicketRecipients = { mode, addresses: unique };
    }
    if (errors.length > 0) throw new ValidationFailedError(errors);
    await this.repository.save(organizationId, next);
    return next;
  }
}
