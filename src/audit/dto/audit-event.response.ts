import { ApiProperty } from '@nestjs/swagger';
import type { AuditEvent } from '../audit-event.entity';

class AuditActorResponse {
  @ApiProperty({ example: 'c5e9a0b2-7d14-4f68-8b3c-9e2a1d7f4b65', format: 'uuid', nullable: true, type: String })
  id!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'admin@example.com' }) email!: string | null;
}

class AuditTargetResponse {
  @ApiProperty({ example: 'user' }) type!: string;
  @ApiProperty({ example: '8a1d2f47-0b6e-4c3a-a5d9-2e7f6b1c9d30', nullable: true, type: String }) id!: string | null;
}

export class AuditEventResponse {
  @ApiProperty({ example: '1b7e4d9a-3c2f-4a85-b06e-5f8d2c9a7e13', format: 'uuid' }) id!: string;
  @ApiProperty({ example: '3f2b8c1e-5d4a-4e7b-9c6d-1a2b3c4d5e6f', format: 'uuid', nullable: true, type: String })
  organizationId!: string | null;
  @ApiProperty({ example: '2026-12-07T14:03:11.120Z' }) at!: string;
  @ApiProperty({ example: 'settings.email.incoming.saved' }) action!: string;
  @ApiProperty({ type: AuditActorResponse }) actor!: AuditActorResponse;
  @ApiProperty({ type: AuditTargetResponse, nullable: true }) target!: AuditTargetResponse | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The fields the action set; secrets appear as ••••',
    example: { host: 'imap.example.com', password: '••••' },
  })
  changes!: Record<string, unknown> | null;

  @ApiProperty({ nullable: true, type: String, example: '203.0.113.7' }) clientAddress!: string | null;
  @ApiProperty({ enum: ['succeeded', 'failed'] }) outcome!: string;

  static from(event: AuditEvent): AuditEventResponse {
    return {
      id: event.id,
      organizationId: event.organizationId,
      at: event.at.toISOString(),
      action: event.action,
      actor: { id: event.actorUserId, email: event.actorEmail },
      target: event.targetType ? { type: event.targetType, id: event.targetId } : null,
      changes: event.changes ? (JSON.parse(event.changes) as Record<string, unknown>) : null,
      clientAddress: event.clientAddress,
      outcome: event.outcome,
    };
  }
}

export class AuditEventListResponse {
  @ApiProperty({ type: [AuditEventResponse] }) items!: AuditEventResponse[];
  @ApiProperty({ example: 137, description: 'Rows matching the filters, on all pages' }) total!: number;
  @ApiProperty({ example: 1 }) page!: number;
  @ApiProperty({ example: 50 }) pageSize!: number;
}
