import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { mergeMap, Observable } from 'rxjs';
import type { AuthUser } from '../common/auth/auth-user';
import { AUDITED, AuditedRoute } from '../common/audit/audited.decorator';
import { AuditLog } from './audit-log';
import { maskedChanges } from './masked-changes';

/**
 * Records every route marked @Audited once its handler has succeeded (a refused or failed call
 * changed nothing). The row is written before the response goes out, so a client that reads the log
 * right after its action finds it there; writing one row costs about as much as the action's own
 * query, and a failure to write it is logged by AuditLog, never passed on.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly log: AuditLog,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const route = this.reflector.get<AuditedRoute | undefined>(AUDITED, context.getHandler());
    if (!route || context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    return next.handle().pipe(
      mergeMap(async (result: unknown) => {
        await this.record(route, request, result);
        return result;
      }),
    );
  }

  private record(route: AuditedRoute, request: Request & { user?: AuthUser }, result: unknown): Promise<void> {
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
