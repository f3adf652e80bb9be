import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { TICKET_PRIORITIES, TICKET_STATUSES, TicketPriority, TicketStatus } from '../ticket-values';

export class UpdateTicketDto {
  @ApiPropertyOptional({ enum: TICKET_STATUSES, example: 'resolved' })
  @IsOptional()
  @IsIn(TICKET_STATUSES)
  status?: TicketStatus;

  @ApiPropertyOptional({ enum: TICKET_PRIORITIES, example: 'high' })
  @IsOptional()
  @IsIn(TICKET_PRIORITIES)
  priority?: TicketPriority;

  @ApiPropertyOptional({
    example: 'c5e9a0b2-7d14-4f68-8b3c-9e2a1d7f4b65',
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'An active user of your organization; null unassigns',
  })
  @IsOptional()
  @IsUUID()
  assigneeId?: string | null;
}
