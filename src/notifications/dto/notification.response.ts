import { ApiProperty } from '@nestjs/swagger';
import { NOTIFICATION_KINDS } from '../notification-kinds';
import { NOTIFICATION_STATUSES, type Notification } from '../notification.entity';

export class NotificationResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: NOTIFICATION_KINDS }) kind!: string;
  @ApiProperty({ format: 'uuid' }) ticketId!: string;
  @ApiProperty({ example: 'customer@example.com' }) recipient!: string;
  @ApiProperty({ example: 'We received your request: Printer on fire [#42]' }) subject!: string;
  @ApiProperty({ enum: NOTIFICATION_STATUSES }) status!: string;
  @ApiProperty({
    nullable: true,
    example: '550 Mailbox unavailable',
    description: 'Why it was suppressed, or the last failure',
  })
  reason!: string | null;
  @ApiProperty({ description: 'Sending attempts so far' }) attempts!: number;
  @ApiProperty({ description: 'Counted by the loop brake (everything but agent replies)' }) automatic!: boolean;
  @ApiProperty({ nullable: true, description: 'When the next attempt is due (queued only)' })
  nextAttemptAt!: Date | null;
  @ApiProperty({ nullable: true }) sentAt!: Date | null;
  @ApiProperty({
    example: '<hd2.…@example.com>',
    description: 'Opaque: it names no organization or ticket, only we can read and check it',
  })
  messageId!: string;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;

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
