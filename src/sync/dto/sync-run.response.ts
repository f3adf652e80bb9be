import { ApiProperty } from '@nestjs/swagger';

export class IgnoredMessageInfo {
  @ApiProperty({ example: 1042 }) uid!: number;
  @ApiProperty({ example: 'mailer-daemon@example.com', nullable: true }) from!: string | null;
  @ApiProperty({ example: 'Undelivered Mail Returned to Sender', nullable: true }) subject!: string | null;
  @ApiProperty({ example: 'auto-reply:auto-submitted' }) reason!: string;
  @ApiProperty({ format: 'uuid', nullable: true, description: 'For a bounce noted on a ticket' })
  ticketId!: string | null;
}

export class SyncRunResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['schedule', 'manual'] }) trigger!: string;
  @ApiProperty({ enum: ['running', 'succeeded', 'failed', 'stopped', 'interrupted'] }) status!: string;
  @ApiProperty() startedAt!: Date;
  @ApiProperty({ nullable: true }) finishedAt!: Date | null;
  @ApiProperty({ nullable: true }) total!: number | null;
  @ApiProperty() fetched!: number;
  @ApiProperty() tickets!: number;
  @ApiProperty() comments!: number;
  @ApiProperty() ignored!: number;
  @ApiProperty() failed!: number;
  @ApiProperty({ nullable: true, example: { class: 'network', message: 'Connection refused' } })
  error!: { class: string; message: string } | null;
  @ApiProperty({ type: [IgnoredMessageInfo] }) ignoredMessages!: IgnoredMessageInfo[];
}

export class SyncNowResponse {
  @ApiProperty({ description: 'False when the run outlasted the wait; poll GET /sync/runs with runId' })
  finished!: boolean;

  @ApiProperty({ format: 'uuid', nullable: true }) runId!: string | null;

  @ApiProperty({
    description: 'True when the run still waits for a slot (SYNC_CONCURRENCY runs are under way); it has no id yet',
  })
  queued!: boolean;

  @ApiProperty({ type: SyncRunResponse, nullable: true }) run!: SyncRunResponse | null;
}

export class RunMessageInfo {
  @ApiProperty({ example: 1042 }) uid!: number;
  @ApiProperty({ enum: ['ticket', 'comment', 'ignored', 'bounce-noted', 'failed'] }) outcome!: string;
  @ApiProperty({
    nullable: true,
    example: 'duplicate',
    description: 'Why it was ignored (e.g. `duplicate`, `auto-reply:auto-submitted`) or failed (`class: message`)',
  })
  reason!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, description: 'The ticket it became, joined or duplicates' })
  ticketId!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, description: 'Its entry in GET /sync/failures' })
  failureId!: string | null;
  @ApiProperty({ nullable: true }) from!: string | null;
  @ApiProperty({ nullable: true }) subject!: string | null;
}

export class RunMessagesPage {
  @ApiProperty({ type: [RunMessageInfo] }) items!: RunMessageInfo[];
  @ApiProperty({ nullable: true, description: 'Pass as `after` for the next page; null after the last' })
  nextAfter!: number | null;
}
