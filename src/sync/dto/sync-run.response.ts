import { ApiProperty } from '@nestjs/swagger';

export class IgnoredMessageInfo {
  @ApiProperty({ example: 1042 }) uid!: number;
  @ApiProperty({ example: 'mailer-daemon@example.com', nullable: true }) from!: string | null;
  @ApiProperty({ example: 'Undelivered Mail Returned to Sender', nullable: true }) subject!: string | null;
  @ApiProperty({ example: 'auto-reply:auto-submitted' }) reason!: string;
  @ApiProperty({
    example: '8a1d2f47-0b6e-4c3a-a5d9-2e7f6b1c9d30',
    format: 'uuid',
    nullable: true,
    description: 'For a bounce noted on a ticket',
  })
  ticketId!: string | null;
}

export class SyncRunResponse {
  @ApiProperty({ example: '3f2b8c1e-5d4a-4e7b-9c6d-1a2b3c4d5e6f', format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['schedule', 'manual'] }) trigger!: string;
  @ApiProperty({ enum: ['running', 'succeeded', 'failed', 'stopped', 'interrupted'] }) status!: string;
  @ApiProperty({ example: '2026-03-02T09:15:00.000Z' }) startedAt!: Date;
  @ApiProperty({ example: '2026-03-02T09:15:00.000Z', nullable: true }) finishedAt!: Date | null;
  @ApiProperty({ example: 120, nullable: true }) total!: number | null;
  @ApiProperty({ example: 120 }) fetched!: number;
  @ApiProperty({ example: 14 }) tickets!: number;
  @ApiProperty({ example: 103 }) comments!: number;
  @ApiProperty({ example: 2 }) ignored!: number;
  @ApiProperty({ example: 1 }) failed!: number;
  @ApiProperty({ nullable: true, example: { class: 'network', message: 'Connection refused' } })
  error!: { class: string; message: string } | null;
  @ApiProperty({ type: [IgnoredMessageInfo] }) ignoredMessages!: IgnoredMessageInfo[];
}

export class SyncNowResponse {
  @ApiProperty({ example: true, description: 'False when the run outlasted the wait; poll GET /sync/runs with runId' })
  finished!: boolean;

  @ApiProperty({ example: '1b7e4d9a-3c2f-4a85-b06e-5f8d2c9a7e13', format: 'uuid', nullable: true })
  runId!: string | null;

  @ApiProperty({
    example: false,
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
  @ApiProperty({
    example: '1b7e4d9a-3c2f-4a85-b06e-5f8d2c9a7e13',
    format: 'uuid',
    nullable: true,
    description: 'The ticket it became, joined or duplicates',
  })
  ticketId!: string | null;
  @ApiProperty({
    example: 'c5e9a0b2-7d14-4f68-8b3c-9e2a1d7f4b65',
    format: 'uuid',
    nullable: true,
    description: 'Its entry in GET /sync/failures',
  })
  failureId!: string | null;
  @ApiProperty({ example: 'customer@example.com', nullable: true }) from!: string | null;
  @ApiProperty({ example: 'Printer on floor 2 is jammed', nullable: true }) subject!: string | null;
}

export class RunMessagesPage {
  @ApiProperty({ type: [RunMessageInfo] }) items!: RunMessageInfo[];
  @ApiProperty({ example: 1142, nullable: true, description: 'Pass as `after` for the next page; null after the last' })
  nextAfter!: number | null;
}
