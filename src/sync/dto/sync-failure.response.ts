import { ApiProperty } from '@nestjs/swagger';
import type { ListedSyncFailure } from '../sync-failures.repository';

export class SyncFailureResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'INBOX' }) folder!: string;
  @ApiProperty({ example: 1042 }) uid!: number;
  @ApiProperty({ enum: ['open', 'resolved', 'dismissed'] }) status!: string;
  @ApiProperty({
    example: 'processing-timeout',
    description: 'parse, too-large, storage, over-limit (reason names the limit), processing-timeout, storage-quota, …',
  })
  errorClass!: string;
  @ApiProperty({ example: 'The message could not be parsed: unexpected end of input' }) reason!: string;
  @ApiProperty({ example: 1 }) attempts!: number;
  @ApiProperty({ example: 20480 }) size!: number;
  @ApiProperty({ format: 'uuid', nullable: true, description: 'The ticket made when a retry succeeded' })
  ticketId!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;

  static from(failure: ListedSyncFailure): SyncFailureResponse {
    const { id, folder, uid, status, errorClass, reason, attempts, size, ticketId, createdAt, updatedAt } = failure;
    return { id, folder, uid, status, errorClass, reason, attempts, size, ticketId, createdAt, updatedAt };
  }
}

export class RetryFailureResponse {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ example: 'ticket', nullable: true }) outcome!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true }) ticketId!: string | null;
  @ApiProperty({ nullable: true, example: 'The message could not be parsed' }) reason!: string | null;
}
