import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Length,
  ValidateNested,
} from 'class-validator';
import { IsSingleLine } from '../../common/http/is-single-line';
import { PLACEHOLDERS } from '../notification-templates';

const PLACEHOLDER_HELP = `Placeholders: ${PLACEHOLDERS.map((name) => `{{${name}}}`).join(', ')}`;

export class NotificationTemplateDto {
  @ApiPropertyOptional({ example: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    example: 'We received your request: {{ticket.subject}}',
    description: `One line; the ticket token [#N] is appended when missing. ${PLACEHOLDER_HELP}`,
  })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  @IsSingleLine()
  subject?: string;

  @ApiPropertyOptional({
    example: 'Hello {{requester.name}},\n\nwe received your request as ticket {{ticket.number}}.',
    description: `Plain text; the HTML part is made from it with every value escaped. ${PLACEHOLDER_HELP}`,
  })
  @IsOptional()
  @IsString()
  @Length(1, 20_000)
  body?: string;
}

export class NotificationTemplatesDto {
  @ApiPropertyOptional({
    type: NotificationTemplateDto,
    description: 'To the requester: the acknowledgment of a new ticket',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => NotificationTemplateDto)
  ticketReceived?: NotificationTemplateDto;

  @ApiPropertyOptional({ type: NotificationTemplateDto, description: "To the requester: an agent's public reply" })
  @IsOptional()
  @ValidateNested()
  @Type(() => NotificationTemplateDto)
  agentReplied?: NotificationTemplateDto;

  @ApiPropertyOptional({ type: NotificationTemplateDto, description: 'To the requester: the ticket was resolved' })
  @IsOptional()
  @ValidateNested()
  @Type(() => NotificationTemplateDto)
  ticketResolved?: NotificationTemplateDto;

  @ApiPropertyOptional({
    type: NotificationTemplateDto,
    description: 'To agents: a new ticket (see newTicketRecipients)',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => NotificationTemplateDto)
  newTicket?: NotificationTemplateDto;

  @ApiPropertyOptional({
    type: NotificationTemplateDto,
    description: 'To the assignee, or every agent when unassigned: the requester replied',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => NotificationTemplateDto)
  requesterReplied?: NotificationTemplateDto;
}

export class AgentRecipientsDto {
  @ApiPropertyOptional({ enum: ['all', 'list'], example: 'list', description: 'all: every active admin and agent' })
  @IsIn(['all', 'list'])
  mode!: 'all' | 'list';

  @ApiPropertyOptional({ type: [String], example: ['team@example.com'], description: 'Used with mode list' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsEmail({}, { each: true })
  addresses?: string[];
}

/** Fields left out keep their current value. */
export class UpdateNotificationSettingsDto {
  @ApiPropertyOptional({ type: NotificationTemplatesDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => NotificationTemplatesDto)
  notifications?: NotificationTemplatesDto;

  @ApiPropertyOptional({ type: AgentRecipientsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AgentRecipientsDto)
  newTicketRecipients?: AgentRecipientsDto;
}
