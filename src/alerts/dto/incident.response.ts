import { ApiProperty } from '@nestjs/swagger';
import { INCIDENT_KINDS, type IncidentKind, type IncidentStatus } from '../incident-kinds';

export class IncidentResponse {
  @ApiProperty({ example: '1b7e4d9a-3c2f-4a85-b06e-5f8d2c9a7e13', format: 'uuid' }) id!: string;
  @ApiProperty({ enum: INCIDENT_KINDS }) kind!: IncidentKind;
  @ApiProperty({ enum: ['open', 'resolved'] }) status!: IncidentStatus;
  @ApiProperty({ example: 'Mail is not being fetched: the mailbox sync keeps failing' }) title!: string;
  @ApiProperty({ example: '2026-03-02T09:15:00.000Z', description: 'When the incident opened' }) since!: Date;
  @ApiProperty({ example: '2026-03-02T09:15:00.000Z', description: 'When its cause was last seen' }) lastSeenAt!: Date;
  @ApiProperty({ example: '2026-03-02T09:15:00.000Z', nullable: true }) resolvedAt!: Date | null;
  @ApiProperty({ nullable: true, example: 'auth: Authentication failed (3 sync runs failed in a row)' })
  lastError!: string | null;
  @ApiProperty({ example: 'Check the IMAP password in Email settings', description: 'What an admin can do about it' })
  hint!: string;
  @ApiProperty({ example: 3, description: 'Times the cause was seen while open' }) occurrences!: number;
  @ApiProperty({
    example: '2026-03-02T09:15:00.000Z',
    nullable: true,
    description: 'Acknowledged: no more daily reminders',
  })
  acknowledgedAt!: Date | null;
  @ApiProperty({ example: 'c5e9a0b2-7d14-4f68-8b3c-9e2a1d7f4b65', format: 'uuid', nullable: true })
  acknowledgedBy!: string | null;
}
