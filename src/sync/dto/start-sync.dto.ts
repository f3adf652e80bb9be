import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsDateString, IsIn, IsOptional, ValidateIf } from 'class-validator';
import type { SyncFrom } from '../sync-state.entity';

const FROM: SyncFrom[] = ['current-date', 'specific-date', 'last-sync'];

export class StartSyncDto {
  @ApiProperty({
    enum: FROM,
    example: 'current-date',
    description:
      'current-date: only mail that arrives from now on; specific-date: every message dated on or after `date`, then everything new; last-sync: resume where the previous sync stopped',
  })
  @IsIn(FROM)
  from!: SyncFrom;

  @ApiPropertyOptional({ example: '2026-11-01', description: 'Required with specific-date (YYYY-MM-DD, UTC day)' })
  @ValidateIf((dto: StartSyncDto) => dto.from === 'specific-date' || dto.date !== undefined)
  @IsDateString({ strict: true })
  date?: string;

  @ApiPropertyOptional({
    example: false,
    description:
      'Mark ingested messages \\Seen in the mailbox, only after their ticket is committed (default false: sync changes nothing in the mailbox)',
  })
  @IsOptional()
  @IsBoolean()
  markSeen?: boolean;
}
