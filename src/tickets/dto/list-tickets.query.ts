import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { TICKET_STATUSES, TicketStatus } from '../ticket-values';

export class ListTicketsQuery {
  @ApiPropertyOptional({ enum: TICKET_STATUSES, example: 'open' })
  @IsOptional()
  @IsIn(TICKET_STATUSES)
  status?: TicketStatus;

  @ApiPropertyOptional({
    description: 'A user id, or `none` for unassigned tickets',
    example: 'none',
  })
  @IsOptional()
  @Matches(/^(none|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i, {
    message: 'assignee must be a user id or none',
  })
  assignee?: string;

  @ApiPropertyOptional({ description: "The requester's email address", example: 'customer@example.com' })
  @IsOptional()
  @IsEmail()
  requester?: string;

  @ApiPropertyOptional({ description: 'Text searched in subjects and comment bodies', example: 'printer' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  q?: string;

  @ApiPropertyOptional({ default: 1, minimum: 1, example: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page: number = 1;

  @ApiPropertyOptional({ default: 25, minimum: 1, maximum: 100, example: 25 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize: number = 25;
}
