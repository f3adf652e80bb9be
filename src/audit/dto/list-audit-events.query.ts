import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

export class ListAuditEventsQuery {
  @ApiPropertyOptional({
    description: 'An action, or a dotted prefix of actions (`sync` finds sync.started, sync.stopped, …)',
    example: 'settings.email',
  })
  @IsOptional()
  @Matches(/^[a-z0-9-]+(\.[a-z0-9-]+)*$/, { message: 'action must be a dotted action name such as sync.started' })
  @Length(1, 80)
  action?: string;

  @ApiPropertyOptional({ description: "The actor's user id or email address", example: 'admin@example.com' })
  @IsOptional()
  @IsString()
  @Length(1, 320)
  actor?: string;

  @ApiPropertyOptional({ description: 'From this time on (ISO 8601)', example: '2026-12-01T00:00:00Z' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'from must be an ISO 8601 date or time' })
  from?: Date;

  @ApiPropertyOptional({ description: 'Up to this time (ISO 8601), inclusive', example: '2026-12-31T23:59:59Z' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'to must be an ISO 8601 date or time' })
  to?: Date;

  @ApiPropertyOptional({ default: 1, minimum: 1, example: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page: number = 1;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200, example: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize: number = 50;
}
