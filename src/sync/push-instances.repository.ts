import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, MoreThanOrEqual, Repository } from 'typeorm';
import { PushInstance } from './push-instance.entity';

/**
 * The instances sharing the IDLE connections (platform-wide, no organization): each one says it is
 * alive at every claim round, so the others know how many share the work, itself included.
 */
@Injectable()
export class PushInstancesRepository {
  constructor(@InjectRepository(PushInstance) private readonly instances: Repository<PushInstance>) {}

  async beat(instanceId: string, nowMs: number): Promise<void> {
    await this.instances.upsert({ instanceId, seenAtMs: String(nowMs) }, ['instanceId']);
  }

  /** Instances seen since `sinceMs`; rows much older than that (instances long gone) are deleted. */
  async live(sinceMs: number): Promise<string[]> {
    await this.instances.delete({ seenAtMs: LessThan(String(sinceMs - 3_600_000)) });
    const rows = await this.instances.findBy({ seenAtMs: MoreThanOrEqual(String(sinceMs)) });
    return rows.map((row) => row.instanceId);
  }

  async remove(instanceId: string): Promise<void> {
    await this.instances.delete({ instanceId });
  }
}
