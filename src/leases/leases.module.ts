import { Module } from '@nestjs/common';
import { TransactionRunner } from '../database/transaction-runner';
import { LeaseService } from './lease.service';
import { LeasesRepository } from './leases.repository';

/** Leases on per-organization work, shared by every instance of the service (see LeaseService). */
@Module({
  providers: [LeasesRepository, LeaseService, TransactionRunner],
  exports: [LeaseService],
})
export class LeasesModule {}
