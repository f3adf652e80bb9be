import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { COMMENT_KINDS, CommentKind } from '../ticket-values';
import { ContactResponse, TicketSummaryResponse } from './ticket-summary.response';

export class AttachmentResponse {
  @ApiProperty({ example: '8a1d2f47-0b6e-4c3a-a5d9-2e7f6b1c9d30', format: 'uuid' })
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

  @ApiPropertyOptional({
    example: 'c5e9a0b2-7d14-4f68-8b3c-9e2a1d7f4b65',
    format: 'uuid',
    description: "For an agent's comment",
  })
  userId?: string;
}

export class CommentResponse {
  @ApiProperty({ example: '1b7e4d9a-3c2f-4a85-b06e-5f8d2c9a7e13', format: 'uuid' })
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

  @ApiProperty({
    example: '2026-03-02T09:15:00.000Z',
    type: Date,
    nullable: true,
    description: 'For mail: when it was received (its date)',
  })
  receivedAt!: Date | null;

  @ApiProperty({ example: '2026-03-02T09:15:00.000Z' })
  createdAt!: Date;
}

export class TicketDetailResponse extends TicketSummaryResponse {
  @ApiProperty({ type: [ContactResponse], description: "Cc'd people on the ticket's mail" })
  participants!: ContactResponse[];

  @ApiProperty({
    example: '3f2b8c1e-5d4a-4e7b-9c6d-1a2b3c4d5e6f',
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The closed ticket this one follows up',
  })
  linkedTicketId!: string | null;

  @ApiProperty({ type: [CommentResponse], description: 'Oldest first' })
  comments!: CommentResponse[];
}
