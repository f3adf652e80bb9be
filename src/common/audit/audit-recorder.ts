import type { Request } from 'express';
import type { AuthUser } from '../auth/auth-user';
import type { AuditedRoute } from './audited-route';

/**
 * What records an @Audited route's call once its handler has succeeded. The audit module provides it
 * (globally), so the interceptor that common attaches to each audited route reaches it from any module.
 */
export abstract class AuditRecorder {
  abstract recordRoute(route: AuditedRoute, request: Request & { user?: AuthUser }, result: unknown): Promise<void>;
}
