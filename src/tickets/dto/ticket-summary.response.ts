import { ApiProperty } from '@nestjs/swagger';
import {
  TICKET_PRIORITIES,
  TICKET_SOURCES,
  TICKET_STATUSES,
  TicketPriority,
  TicketSource,
  TicketStatus,
} from '../ticket-values';

export class ContactResponse {
  @ApiProperty({ example: 'customer@example.com' })
  email!: string;

  @ApiProperty({ example: 'Carla Customer', description: 'Empty when the mail gave no display name' })
  name!: string;
}

export class AssigneeResponse {
  @ApiProperty({ example: '3f2b8c1e-5d4a-4e7b-9c6d-1a2b3c4d5e6f', format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'Ada Agent' })
  name!: string;
}

export class TicketSummaryResponse {
  @ApiProperty({ example: '8a1d2f47-0b6e-4c3a-a5d9-2e7f6b1c9d30', format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 42, description: 'Per organization; the [#42] token in mail subjects' })
  number!: number;

  @ApiProperty({ example: 'Printer on fire' })
  subject!: string;

  @ApiProperty({ enum: TICKET_STATUSES, example: 'open' })
  status!: TicketStatus;

  @ApiProperty({ enum: TICKET_PRIORITIES, example: 'normal' })
  priority!: TicketPriority;

  @ApiProperty({ type: ContactResponse })
  requester!: ContactResponse;

  @ApiProperty({ type: AssigneeResponse, nullable: true })
  assignee!: AssigneeResponse | null;

  @ApiProperty({ enum: TICKET_SOURCES, example: 'email' })
  source!: TicketSource;

  @ApiProperty({ example: '2026-03-02T09:15:00.000Z', format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ example: '2026-03-02T09:15:00.000Z', format: 'date-time' })
  updatedAt!: string;

  @ApiProperty({
    example: '2026-03-02T09:15:00.000Z',
    format: 'date-time',
    description: "The last comment from a person (system notes do not count); the list's default order",
  })
  lastActivityAt!: string;
}

export class TicketListResponse {
  @ApiProperty({ type: [TicketSummaryResponse] })
  items!: TicketSummaryResponse[];

  @ApiProperty({ example: 137, description: 'Tickets matching the filters, on all pages' })
  total!: number;

  @ApiProperty({ example: 1 })
  page!: number;

  @ApiProperty({ example: 25 })
  pageSize!: number;

  @ApiProperty({
    example: 'eyJ0IjoiMjAyNi0wMy0wMiJ9',
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page (given on page 1 and on cursor pages); null at the end',
  })
  nextCursor!: string | null;
}
