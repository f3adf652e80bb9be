import { Injectable, Logger } from '@nestjs/common';
import type { AuditAction, AuditTargetType } from '../common/audit/audited-route';
import type { AuditOutcome } from './audit-event.entity';
import { AuditEventsRepository } from './audit-events.repository';
import type { AuditChanges } from './masked-changes';

/** One thing to record. `changes` must already be masked (maskedChanges does it). */
export interface AuditEntry {
  organizationId: string | null;
  action: AuditAction;
  actor: { userId: string | null; email: string | null };
  target: { type: AuditTargetType; id: string | null } | null;
  changes: AuditChanges | null;
  clientAddress: string | null;
  outcome: AuditOutcome;
}

/**
 * Writes the audit log. Recording never fails the action it records: a row that cannot be written is
 * logged (action and error message only: the entry may hold an attempted address) and dropped.
 */
@Injectable()
export class AuditLog {
  private readonly logger = new Logger(AuditLog.name);

  constructor(private readonly events: AuditEventsRepository) {}

  async record(entry: AuditEntry): Promise<void> {
    try {
      await this.events.insert({
        organizationId: entry.organizationId,
        at: new Date(),
        action: entry.action,
        actorUserId: entry.actor.userId,
        actorEmail: entry.actor.email?.slice(0, 320) ?? null,
        targetType: entry.target?.type ?? null,
        targetId: entry.target?.id?.slice(0, 100) ?? null,
        changes: entry.changes,
        clientAddress: entry.clientAddress?.slice(0, 64) ?? null,
        outcome: entry.outcome,
      });
    } catch (error) {
      this.logger.error(
        { action: entry.action, error: error instanceof Error ? error.message : 'unknown error' },
        'Could not write an audit log row',
      );
    }
  }
}
