import { ApiProperty } from '@nestjs/swagger';
import type { ListedSyncFailure } from '../sync-failures.repository';

export class SyncFailureResponse {
  @ApiProperty({ example: '8a1d2f47-0b6e-4c3a-a5d9-2e7f6b1c9d30', format: 'uuid' }) id!: string;
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
  @ApiProperty({
    example: 'c5e9a0b2-7d14-4f68-8b3c-9e2a1d7f4b65',
    format: 'uuid',
    nullable: true,
    description: 'The ticket made when a retry succeeded',
  })
  ticketId!: string | null;
  @ApiProperty({ example: '2026-03-02T09:15:00.000Z' }) createdAt!: Date;
  @ApiProperty({ example: '2026-03-02T09:15:00.000Z' }) updatedAt!: Date;

  static from(failure: ListedSyncFailure): SyncFailureResponse {
    const { id, folder, uid, status, errorClass, reason, attempts, size, ticketId, createdAt, updatedAt } = failure;
    return { id, folder, uid, status, errorClass, reason, attempts, size, ticketId, createdAt, updatedAt };
  }
}

export class RetryFailureResponse {
  @ApiProperty({ example: true }) ok!: boolean;
  @ApiProperty({ example: 'ticket', nullable: true }) outcome!: string | null;
  @ApiProperty({ example: '8a1d2f47-0b6e-4c3a-a5d9-2e7f6b1c9d30', format: 'uuid', nullable: true })
  ticketId!: string | null;
  @ApiProperty({ nullable: true, example: 'The message could not be parsed' }) reason!: string | null;
}
