import { ApiProperty } from '@nestjs/swagger';
import { PushStatusInfo } from './push-status.response';

export class SyncTotals {
  @ApiProperty({ example: 120 }) fetched!: number;
  @ApiProperty({ example: 80 }) tickets!: number;
  @ApiProperty({ example: 30 }) comments!: number;
  @ApiProperty({ example: 9 }) ignored!: number;
  @ApiProperty({ example: 1 }) failed!: number;
}

export class SyncErrorInfo {
  @ApiProperty({
    example: 'auth',
    enum: [
      'config',
      'auth',
      'network',
      'tls',
      'protocol',
      'parse',
      'too-large',
      'storage',
      'internal',
      'over-limit',
      'processing-timeout',
      'storage-quota',
    ],
  })
  class!: string;

  @ApiProperty({ example: 'Authentication failed' })
  message!: string;

  @ApiProperty({ example: '2026-03-02T09:15:00.000Z' })
  at!: Date;
}

export class CurrentRunInfo {
  @ApiProperty({ example: '3f2b8c1e-5d4a-4e7b-9c6d-1a2b3c4d5e6f', format: 'uuid', nullable: true })
  runId!: string | null;
  @ApiProperty({ example: '2026-03-02T09:15:00.000Z' }) startedAt!: Date;
  @ApiProperty({ example: 40 }) fetched!: number;
  @ApiProperty({ example: 200, nullable: true, description: 'Messages waiting when the run began (upper bound)' })
  total!: number | null;
}

/** The open alert about this mailbox (see `GET /api/v1/alerts`). */
export class SyncAlertInfo {
  @ApiProperty({ example: '3f2b8c1e-5d4a-4e7b-9c6d-1a2b3c4d5e6f', format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['sync-failing', 'needs-reauth', 'failed-messages'] }) kind!: string;
  @ApiProperty({ example: 'Mail is not being fetched: the mailbox sync keeps failing' }) title!: string;
  @ApiProperty({ example: '2026-03-02T09:15:00.000Z' }) since!: Date;
  @ApiProperty({ nullable: true, example: 'auth: Authentication failed' }) lastError!: string | null;
  @ApiProperty({ example: 'Check the IMAP password in Email settings', description: 'What the admin can do about it' })
  hint!: string;
}

export class SyncStatusResponse {
  @ApiProperty({ enum: ['stopped', 'running'] })
  state!: 'stopped' | 'running';

  @ApiProperty({
    example: false,
    description: 'True until sync is started for the first time ("Synchronization is never started")',
  })
  neverStarted!: boolean;

  @ApiProperty({ example: false, description: 'A run is in progress right now' })
  syncing!: boolean;

  @ApiProperty({
    example: false,
    description:
      'A run is waiting for its turn: SYNC_CONCURRENCY runs are under way on this instance (it starts in order of due time)',
  })
  queued!: boolean;

  @ApiProperty({ enum: ['current-date', 'specific-date', 'last-sync'], nullable: true })
  from!: string | null;

  @ApiProperty({ example: '2026-03-01T00:00:00.000Z', nullable: true }) since!: Date | null;
  @ApiProperty({ example: false, description: 'Ingested messages are marked \\Seen (after their ticket is committed)' })
  markSeen!: boolean;
  @ApiProperty({ example: 300 }) intervalSeconds!: number;
  @ApiProperty({ example: '2026-03-02T09:15:00.000Z', nullable: true }) lastRunAt!: Date | null;
  @ApiProperty({ example: '2026-03-02T09:15:00.000Z', nullable: true }) lastSuccessAt!: Date | null;
  @ApiProperty({
    example: '2026-03-02T09:20:00.000Z',
    nullable: true,
    description:
      'When the next scheduled run starts: when the back-off ends after a failure, else one interval after the last run ended (now when overdue). Null while stopped, and while a run is under way (the next one is due one interval after it ends).',
  })
  nextRunAt!: Date | null;
  @ApiProperty({ example: 0 }) consecutiveFailures!: number;
  @ApiProperty({ type: SyncErrorInfo, nullable: true }) lastError!: SyncErrorInfo | null;
  @ApiProperty({ type: SyncTotals }) totals!: SyncTotals;
  @ApiProperty({ type: CurrentRunInfo, nullable: true }) currentRun!: CurrentRunInfo | null;
  @ApiProperty({ type: SyncAlertInfo, nullable: true, description: 'Set while an alert about the mailbox is open' })
  alert!: SyncAlertInfo | null;
  @ApiProperty({ type: PushStatusInfo }) push!: PushStatusInfo;
}
