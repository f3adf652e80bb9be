import { ApiProperty } from '@nestjs/swagger';

export class PushErrorInfo {
  @ApiProperty({ example: 'auth', description: 'auth, config, tls, or a passing one: refused, timeout, dns, protocol' })
  class!: string;

  @ApiProperty({ example: 'Authentication failed' })
  message!: string;
}

export class PushStatusInfo {
  @ApiProperty({ example: true, description: "The organization's push switch (PUT /sync/push); on by default" })
  enabled!: boolean;

  @ApiProperty({
    enum: ['off', 'connecting', 'idle', 'unsupported', 'error'],
    description:
      'off: push disabled or sync stopped; idle: listening (IMAP IDLE); unsupported: the server has no IDLE, ' +
      'so the connection polls (PUSH_POLL_INTERVAL_SECONDS); error: waits for new settings (see error)',
  })
  state!: 'off' | 'connecting' | 'idle' | 'unsupported' | 'error';

  @ApiProperty({
    example: '2026-03-02T09:15:00.000Z',
    nullable: true,
    description: 'Since when the connection is in this state',
  })
  since!: Date | null;

  @ApiProperty({
    example: '2026-03-02T09:15:00.000Z',
    nullable: true,
    description: 'The last change the server reported (new mail, expunge)',
  })
  lastEventAt!: Date | null;

  @ApiProperty({
    type: PushErrorInfo,
    nullable: true,
    description: 'Why it is in error, or why connecting failed last',
  })
  error!: PushErrorInfo | null;
}
