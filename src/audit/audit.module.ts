import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEvent } from './audit-event.entity';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditLog } from './audit-log';
import { AuditRetention } from './audit-retention';
import { AuditController } from './audit.controller';
import { AuditInterceptor } from './audit.interceptor';

/**
 * The audit log. Routes opt in with @Audited (src/common/audit), recorded by the global interceptor
 * here; work the interceptor cannot see (a sign-in, failed or not) calls the exported AuditLog.
 */
@Module({
  imports: [TypeOrmModule.forFeature([AuditEvent])],
  controllers: [AuditController],
  providers: [
    AuditEventsRepository,
    AuditLog,
    AuditRetention,
    { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
  ],
  exports: [AuditLog],
})
export class AuditModule {}
