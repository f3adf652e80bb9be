import { Global, Module } from '@nestjs/common';
import { OrganizationRateLimiter } from './organization-rate-limit';

/** One limiter per process, so every controller that limits an action counts against the same window. */
@Global()
@Module({ providers: [OrganizationRateLimiter], exports: [OrganizationRateLimiter] })
export class RateLimitModule {}
