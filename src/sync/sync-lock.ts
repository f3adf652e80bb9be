import { Injectable } from '@nestjs/common';
import { DataSource, QueryRunner } from 'typeorm';

export interface HeldLock {
  release(): Promise<void>;
}

/**
 * One mailbox is synced by one instance at a time. On PostgreSQL: a session advisory lock held on a
 * dedicated connection for the run; if the process dies, the connection and the lock go with it.
 * On SQLite one process owns the file, and the in-process guard in the runner is enough.
 */
@Injectable()
export class SyncLock {
  constructor(private readonly dataSource: DataSource) {}

  async tryAcquire(organizationId: string): Promise<HeldLock | null> {
    if (this.dataSource.options.type !== 'postgres') return { release: async () => undefined };
    const runner: QueryRunner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const key = `helpdesk-sync:${organizationId}`;
      const [row] = (await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [key])) as {
        locked: boolean;
      }[];
      if (!row?.locked) {
        await runner.release();
        return null;
      }
      return {
        release: async () => {
          try {
            await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
          } finally {
            await runner.release();
          }
        },
      };
    } catch (error) {
      await runner.release();
      throw error;
    }
  }
}
