import { ApiProperty } from '@nestjs/swagger';
import { INCIDENT_KINDS, type IncidentKind, type IncidentStatus } from '../incident-kinds';

export class IncidentResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: INCIDENT_KINDS }) kind!: IncidentKind;
  @ApiProperty({ enum: ['open', 'resolved'] }) status!: IncidentStatus;
  @ApiProperty({ example: 'Mail is not being fetched: the mailbox sync keeps failing' }) title!: string;
  @ApiProperty({ description: 'When the incident opened' }) since!: Date;
  @ApiProperty({ description: 'When its cause was last seen' }) lastSeenAt!: Date;
  @ApiProperty({ nullable: true }) resolvedAt!: Date | null;
  @ApiProperty({ nullable: true, example: 'auth: Authentication failed (3 sync runs failed in a row)' })
  lastError!: string | null;
  @ApiProperty({ description: 'What an admin can do about it' }) hint!: string;
  @ApiProperty({ example: 3, description: 'Times the cause was seen while open' }) occurrences!: number;
  @ApiProperty({ nullable: true, description: 'Acknowledged: no more daily reminders' })
  acknowledgedAt!: Date | null;
  @ApiProperty({ format: 'uuid', nullable: true }) acknowledgedBy!: string | null;
}
