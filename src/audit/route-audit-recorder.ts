import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AuditRecorder } from '../common/audit/audit-recorder';
import type { AuditedRoute } from '../common/audit/audited-route';
import type { AuthUser } from '../common/auth/auth-user';
import { AuditLog } from './audit-log';
import { maskedChanges } from './masked-changes';

/**
 * Turns a succeeded @Audited call into its audit row: the actor, the target (the route's `:id`, else the
 * id a create answered with), what the request changed with secrets masked, and the outcome. Writing one
 * row costs about as much as the action's own query; a failure to write it is logged by AuditLog, never
 * passed on.
 */
@Injectable()
export class RouteAuditRecorder extends AuditRecorder {
  constructor(private readonly log: AuditLog) {
    super();
  }

  recordRoute(route: AuditedRoute, request: Request & { user?: AuthUser }, result: unknown): Promise<void> {
    const user = request.user;
    const targetId = paramId(request) ?? resultId(result);
    // The superadmin belongs to no organization: an organization it created is where its row belongs.
    const organizationId = user?.organizationId ?? (route.target === 'organization' ? targetId : null);
    return this.log.record({
      organizationId,
      action: route.action,
      actor: { userId: user?.id ?? null, email: user?.email ?? null },
      target: { type: route.target, id: targetId ?? user?.organizationId ?? null },
      changes: maskedChanges(request.body, route.secrets),
      clientAddress: request.ip ?? null,
      // Connection tests and the round-trip check answer 200 with `ok: false` when the mail server failed them.
      outcome: isRecord(result) && result.ok === false ? 'failed' : 'succeeded',
    });
  }
}

function paramId(request: Request): string | null {
  const id: unknown = request.params?.id;
  return typeof id === 'string' ? id : null;
}

/** The id of what a create answered with. */
function resultId(result: unknown): string | null {
  const id = isRecord(result) ? result.id : undefined;
  return typeof id === 'string' ? id : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
