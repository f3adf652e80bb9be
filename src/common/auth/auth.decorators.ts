import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { UserRole } from './user-role';
import { ErrorResponse } from '../errors/error-response';
import type { AuthUser, TenantUser } from './auth-user';

export const IS_PUBLIC = 'auth:public';
export const REQUIRED_ROLES = 'auth:roles';
export const BEFORE_PASSWORD_CHANGE = 'auth:before-password-change';

/** Opts a route out of authentication. Everything else needs a bearer token (deny by default). */
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension('x-public', true));

/**
 * Declares which roles may call a route, together with its Swagger security entry and error
 * responses. Every non-public route must carry it; the roles guard refuses routes that do not.
 */
export const Auth = (...roles: [UserRole, ...UserRole[]]) =>
  applyDecorators(
    SetMetadata(REQUIRED_ROLES, roles),
    // Machine-readable in the OpenAPI document, so the route-table test and API clients can see it.
    ApiExtension('x-roles', roles),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({
      description: 'Missing, expired or invalid token, or a disabled user',
      type: ErrorResponse,
    }),
    ApiForbiddenResponse({ description: `Allowed roles: ${roles.join(', ')}`, type: ErrorResponse }),
  );

/**
 * The few routes a user with a temporary password may call (who am I, change my password); every
 * other route answers 403 PASSWORD_CHANGE_REQUIRED until they do.
 */
export const AllowedBeforePasswordChange = () => SetMetadata(BEFORE_PASSWORD_CHANGE, true);

export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): AuthUser => {
  return context.switchToHttp().getRequest<{ user: AuthUser }>().user;
});

/** The caller on a tenant route; the roles guard has already refused callers without an organization. */
export const CurrentTenant = createParamDecorator((_: unknown, context: ExecutionContext): TenantUser => {
  return context.switchToHttp().getRequest<{ user: TenantUser }>().user;
});
