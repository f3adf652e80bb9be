import { ApiProperty } from '@nestjs/swagger';
import { NOTIFICATION_KINDS, REQUESTER_KINDS, type StoredNotificationSettings } from '../notification-kinds';
import { PLACEHOLDERS } from '../notification-templates';

export class NotificationTemplateResponse {
  @ApiProperty({ enum: ['requester', 'agents'] }) audience!: 'requester' | 'agents';
  @ApiProperty({ example: true }) enabled!: boolean;
  @ApiProperty({ example: 'We received your request: {{ticket.subject}}' }) subject!: string;
  @ApiProperty({ example: 'Hello {{requester.name}}, …' }) body!: string;
}

export class NotificationTemplatesResponse {
  @ApiProperty() ticketReceived!: NotificationTemplateResponse;
  @ApiProperty() agentReplied!: NotificationTemplateResponse;
  @ApiProperty() ticketResolved!: NotificationTemplateResponse;
  @ApiProperty() newTicket!: NotificationTemplateResponse;
  @ApiProperty() requesterReplied!: NotificationTemplateResponse;
}

export class AgentRecipientsResponse {
  @ApiProperty({ enum: ['all', 'list'] }) mode!: 'all' | 'list';
  @ApiProperty({ example: ['support-team@example.com'], type: [String] }) addresses!: string[];
}

export class NotificationSettingsResponse {
  @ApiProperty() notifications!: NotificationTemplatesResponse;
  @ApiProperty() newTicketRecipients!: AgentRecipientsResponse;
  @ApiProperty({ type: [String], example: ['ticket.number', 'ticket.subject'] }) placeholders!: string[];

  static from(settings: StoredNotificationSettings): NotificationSettingsResponse {
    const notifications = {} as NotificationTemplatesResponse;
    for (const kind of NOTIFICATION_KINDS) {
      const audience = REQUESTER_KINDS.includes(kind) ? 'requester' : 'agents';
      notifications[kind] = { audience, ...settings.templates[kind] };
    }
    return {
      notifications,
      newTicketRecipients: { ...settings.newTicketRecipients },
      placeholders: [...PLACEHOLDERS],
    };
  }
}
