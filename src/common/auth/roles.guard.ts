import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { UserRole } from './user-role';
import { DomainError, ForbiddenError } from '../errors/domain-error';
import type { AuthUser } from './auth-user';
import { BEFORE_PASSWORD_CHANGE, IS_PUBLIC, REQUIRED_ROLES } from './auth.decorators';

/**
 * Global guard after authentication. A route without @Auth(...) or @Public() is refused outright, so
 * a forgotten decorator fails closed and loudly instead of opening the route to every role.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  private readonly logger = new Logger(RolesGuard.name);

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(REQUIRED_ROLES, targets);
    if (!roles) {
      this.logger.error(`Route ${context.getClass().name}.${context.getHandler().name} declares no roles; refusing`);
      throw new ForbiddenError();
    }
    const user = context.switchToHttp().getRequest<{ user: AuthUser }>().user;
    if (!roles.includes(user.role)) throw new ForbiddenError();
    if (user.role !== 'superadmin' && !user.organizationId) throw new ForbiddenError();
    if (user.mustChangePassword && !this.reflector.getAllAndOverride<boolean>(BEFORE_PASSWORD_CHANGE, targets)) {
      throw new DomainError(
        'forbidden',
        'PASSWORD_CHANGE_REQUIRED',
        'Choose your own password first: POST /api/v1/me/password with the temporary one as currentPassword',
      );
    }
    return true;
  }
}
