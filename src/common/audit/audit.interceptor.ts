import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { mergeMap, Observable } from 'rxjs';
import type { AuthUser } from '../auth/auth-user';
import { AuditRecorder } from './audit-recorder';
import { AUDITED, AuditedRoute } from './audited-route';

/**
 * Records the route it is attached to (by @Audited) once its handler has succeeded (a refused or failed
 * call changed nothing). The row is written before the response goes out, so a client that reads the log
 * right after its action finds it there. Attached per route rather than globally: any global interceptor
 * makes Nest run every handler's result through an rxjs pipeline, a few percent of a ticket list request.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly recorder: AuditRecorder,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const route = this.reflector.get<AuditedRoute | undefined>(AUDITED, context.getHandler());
    if (!route || context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    return next.handle().pipe(
      mergeMap(async (result: unknown) => {
        await this.recorder.recordRoute(route, request, result);
        return result;
      }),
    );
  }
}
