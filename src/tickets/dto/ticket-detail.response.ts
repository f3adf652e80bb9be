import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { COMMENT_KINDS, CommentKind } from '../ticket-values';
import { ContactResponse, TicketSummaryResponse } from './ticket-summary.response';

export class AttachmentResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'invoice.pdf' })
  filename!: string;

  @ApiProperty({ example: 'application/pdf' })
  contentType!: string;

  @ApiProperty({ example: 48213, description: 'Bytes' })
  size!: number;

  @ApiProperty({ example: false, description: 'Shown inside the HTML body through a cid: link' })
  inline!: boolean;

  @ApiProperty({ example: 'image001.png@01D9A1B2.C3D4E5F0', nullable: true, description: 'For cid: links in `html`' })
  contentId!: string | null;
}

export class CommentAuthorResponse {
  @ApiProperty({ example: 'Carla Customer' })
  name!: string;

  @ApiPropertyOptional({ example: 'customer@example.com', description: 'For mail from the customer side' })
  email?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "For an agent's comment" })
  userId?: string;
}

export class CommentResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: CommentAuthorResponse })
  author!: CommentAuthorResponse;

  @ApiProperty({ enum: COMMENT_KINDS, example: 'requester' })
  kind!: CommentKind;

  @ApiProperty({
    example: 'The printer in room 4 is on fire again.',
    description: 'Plain text, quoted history stripped',
  })
  body!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'The printer in room 4 is on fire again.\n\nOn Mon, 2 Feb 2026, Support wrote:\n> Is it fixed?',
    description: 'For mail: the whole text as received, when quoted history or a signature was stripped from `body`',
  })
  fullBody!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '<p>The printer in room 4 is on fire again.</p>',
    description: 'Sanitized',
  })
  html!: string | null;

  @ApiProperty({ example: false })
  internal!: boolean;

  @ApiProperty({ type: [AttachmentResponse] })
  attachments!: AttachmentResponse[];

  @ApiProperty({ type: Date, nullable: true, description: 'For mail: when it was received (its date)' })
  receivedAt!: Date | null;

  @ApiProperty()
  createdAt!: Date;
}

export class TicketDetailResponse extends TicketSummaryResponse {
  @ApiProperty({ type: [ContactResponse], description: "Cc'd people on the ticket's mail" })
  participants!: ContactResponse[];

  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The closed ticket this one follows up' })
  linkedTicketId!: string | null;

  @ApiProperty({ type: [CommentResponse], description: 'Oldest first' })
  comments!: CommentResponse[];
}
