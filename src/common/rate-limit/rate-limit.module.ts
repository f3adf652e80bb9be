import { DynamicModule, Global, Module } from '@nestjs/common';
import {
  ORGANIZATION_RATE_LIMITS,
  OrganizationRateLimiter,
  type OrganizationRateLimits,
} from './organization-rate-limit';

/** One limiter per process, so every controller that limits an action counts against the same window. */
@Global()
@Module({})
export class RateLimitModule {
  /** The limits come from the caller (the application, from its config): common reads no config. */
  static forRoot(limits: OrganizationRateLimits): DynamicModule {
    return {
      module: RateLimitModule,
      providers: [{ provide: ORGANIZATION_RATE_LIMITS, useValue: limits }, OrganizationRateLimiter],
      exports: [OrganizationRateLimiter],
    };
  }
}
