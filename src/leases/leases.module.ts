import { Module } from '@nestjs/common';
import { LeaseService } from './lease.service';
import { LeasesRepository } from './leases.repository';

/** Leases on per-organization work, shared by every instance of the service (see LeaseService). */
@Module({
  providers: [LeasesRepository, LeaseService],
  exports: [LeaseService],
})
export class LeasesModule {}
