import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEvent } from './audit-event.entity';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditLog } from './audit-log';
import { AuditRetention } from './audit-retention';
import { AuditController } from './audit.controller';
import { AuditRecorder } from '../common/audit/audit-recorder';
import { RouteAuditRecorder } from './route-audit-recorder';

/**
 * The audit log. Routes opt in with @Audited (src/common/audit), whose interceptor hands each succeeded
 * call to the AuditRecorder provided here; global so that interceptor finds it from every module. Work
 * the interceptor cannot see (a sign-in, failed or not) calls the exported AuditLog.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditEvent])],
  controllers: [AuditController],
  providers: [
    AuditEventsRepository,
    AuditLog,
    AuditRetention,
    { provide: AuditRecorder, useClass: RouteAuditRecorder },
  ],
  exports: [AuditLog, AuditRecorder],
})
export class AuditModule {}
