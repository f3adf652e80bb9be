import {
  applyDecorators,
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiExtension, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { TenantUser } from '../auth/auth-user';
import { TooManyRequestsError } from '../errors/domain-error';
import { ErrorResponse } from '../errors/error-response';
import { FixedWindowCounter } from './fixed-window-counter';

/** Routes that make us talk to a tenant's mail servers on demand, each limited per organization. */
export type OrganizationAction = 'mailTests' | 'verify' | 'syncNow';

const WHAT: Record<OrganizationAction, string> = {
  mailTests: 'connection tests',
  verify: 'round-trip checks',
  syncNow: 'sync-now requests',
};

const RATE_LIMITED_ACTION = 'rate-limit:organization-action';

/** Calls allowed per organization and window, by action (ORG_RATE_*). */
export interface OrganizationRateLimits extends Record<OrganizationAction, number> {
  windowSeconds: number;
}

/** The injection token of the OrganizationRateLimits; the application provides them from its config. */
export const ORGANIZATION_RATE_LIMITS = Symbol('ORGANIZATION_RATE_LIMITS');

/** Counts each organization's calls per action in a fixed window (in memory, per instance). */
@Injectable()
export class OrganizationRateLimiter {
  private readonly counter: FixedWindowCounter;

  constructor(@Inject(ORGANIZATION_RATE_LIMITS) private readonly limits: OrganizationRateLimits) {
    this.counter = new FixedWindowCounter(() => this.limits.windowSeconds * 1000);
  }

  /** Counts the call, or throws a 429 naming the wait when the organization used up its calls. */
  take(organizationId: string, action: OrganizationAction, now = Date.now()): void {
    const key = `${action}:${organizationId}`;
    const retryAfter = this.counter.retryAfterSeconds(key, this.limits[action], now);
    if (retryAfter > 0) {
      throw new TooManyRequestsError(
        `Too many ${WHAT[action]} for your organization; try again in ${retryAfter} seconds`,
        retryAfter,
      );
    }
    this.counter.hit(key, now);
  }
}

/** Runs after the global auth and roles guards, so only calls the caller may make are counted. */
@Injectable()
export class OrganizationRateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: OrganizationRateLimiter,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const action = this.reflector.get<OrganizationAction>(RATE_LIMITED_ACTION, context.getHandler());
    const { user } = context.switchToHttp().getRequest<{ user: TenantUser }>();
    this.limiter.take(user.organizationId, action);
    return true;
  }
}

/** Limits a tenant route per organization (see ORG_RATE_* settings), with its 429 in the OpenAPI document. */
export const OrganizationRateLimit = (action: OrganizationAction) =>
  applyDecorators(
    SetMetadata(RATE_LIMITED_ACTION, action),
    UseGuards(OrganizationRateLimitGuard),
    // Machine-readable, so the OpenAPI document test can require the 429 of every limited route.
    ApiExtension('x-rate-limit', action),
    ApiTooManyRequestsResponse({
      description: `Your organization made too many ${WHAT[action]} in the window; see Retry-After`,
      type: ErrorResponse,
    }),
  );
