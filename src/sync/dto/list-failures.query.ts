import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { SyncFailureStatus } from '../sync-failure.entity';

const STATUSES: SyncFailureStatus[] = ['open', 'resolved', 'dismissed'];

export class ListFailuresQuery {
  @ApiPropertyOptional({ enum: STATUSES, default: 'open', description: 'Any other value is a 400' })
  @IsOptional()
  @IsIn(STATUSES)
  status?: SyncFailureStatus;
}
