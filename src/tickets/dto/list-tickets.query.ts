import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { TICKET_SORTS, type TicketSort } from '../ticket-list-cursor';
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

  @ApiPropertyOptional({
    enum: TICKET_SORTS,
    default: 'activity',
    description: "Newest first by last activity (a person's message), by creation, or by number",
  })
  @IsOptional()
  @IsIn(TICKET_SORTS)
  sort: TicketSort = 'activity';

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Only tickets changed (any field, any comment or note) at or after this time',
    example: '2026-12-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  updatedSince?: string;

  @ApiPropertyOptional({
    description:
      'The `nextCursor` of the previous page: continues an enumeration in which every ticket that existed ' +
      'when it began comes exactly once, whatever is written meanwhile. Same filters and sort as that page.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  @Matches(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, { message: 'cursor must be a nextCursor from this list' })
  cursor?: string;

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
