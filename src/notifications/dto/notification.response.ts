import { ApiProperty } from '@nestjs/swagger';
import { NOTIFICATION_KINDS } from '../notification-kinds';
import { NOTIFICATION_STATUSES, type Notification } from '../notification.entity';

export class NotificationResponse {
  @ApiProperty({ example: 'c5e9a0b2-7d14-4f68-8b3c-9e2a1d7f4b65', format: 'uuid' }) id!: string;
  @ApiProperty({ enum: NOTIFICATION_KINDS }) kind!: string;
  @ApiProperty({ example: '1b7e4d9a-3c2f-4a85-b06e-5f8d2c9a7e13', format: 'uuid' }) ticketId!: string;
  @ApiProperty({ example: 'customer@example.com' }) recipient!: string;
  @ApiProperty({ example: 'We received your request: Printer on fire [#42]' }) subject!: string;
  @ApiProperty({ enum: NOTIFICATION_STATUSES }) status!: string;
  @ApiProperty({
    nullable: true,
    example: '550 Mailbox unavailable',
    description: 'Why it was suppressed, or the last failure',
  })
  reason!: string | null;
  @ApiProperty({ example: 1, description: 'Sending attempts so far' }) attempts!: number;
  @ApiProperty({ example: true, description: 'Counted by the loop brake (everything but agent replies)' })
  automatic!: boolean;
  @ApiProperty({
    example: '2026-03-02T09:15:00.000Z',
    nullable: true,
    description: 'When the next attempt is due (queued only)',
  })
  nextAttemptAt!: Date | null;
  @ApiProperty({ example: '2026-03-02T09:15:00.000Z', nullable: true }) sentAt!: Date | null;
  @ApiProperty({
    example: '<hd2.…@example.com>',
    description: 'Opaque: it names no organization or ticket, only we can read and check it',
  })
  messageId!: string;
  @ApiProperty({ example: '2026-03-02T09:15:00.000Z' }) createdAt!: Date;
  @ApiProperty({ example: '2026-03-02T09:15:00.000Z' }) updatedAt!: Date;

  static from(row: Notification): NotificationResponse {
    const { id, kind, ticketId, recipient, subject, status, reason, attempts, automatic, sentAt, messageId } = row;
    return {
      id,
      kind,
      ticketId,
      recipient,
      subject,
      status,
      reason,
      attempts,
      automatic,
      nextAttemptAt: status === 'queued' ? row.nextAttemptAt : null,
      sentAt,
      messageId,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}
