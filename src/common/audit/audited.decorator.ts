import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { AuditInterceptor } from './audit.interceptor';
import { AUDITED, type AuditAction, type AuditedRoute, type AuditTargetType } from './audited-route';

/**
 * Records the route in the audit log once its handler has succeeded: who, when, from where, what
 * the request changed (secrets masked) and the outcome (`failed` when a check answered `ok: false`).
 * AuditInterceptor, attached here, hands the call to the audit module's AuditRecorder; a route without
 * this decorator is not recorded.
 */
export const Audited = (action: AuditAction, options: { target: AuditTargetType; secrets?: string[] }) =>
  applyDecorators(
    SetMetadata(AUDITED, { action, target: options.target, secrets: options.secrets ?? [] } satisfies AuditedRoute),
    UseInterceptors(AuditInterceptor),
    // Visible in the OpenAPI document: API clients see which calls leave a trace.
    ApiExtension('x-audit-action', action),
  );
