import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DataSource } from 'typeorm';
import type { CheckpointWorkerData, CheckpointWorkerReport } from './wal-checkpoint-worker';

/** How often the worker looks for new commits to copy into the database file. */
const CHECKPOINT_INTERVAL_MS = 500;
/** How long shutdown waits for a checkpoint in progress (as QueryDrain waits for queries). */
const CLOSE_LIMIT_MS = 5_000;

/**
 * Checkpoints SQLite's WAL on a worker thread. A checkpoint copies the pages written since the last one
 * into the database file and syncs it. On the main thread that stopped everything, HTTP requests
 * included, for 100-130 ms every 40 MB of WAL: 7 times in a 10,000-message sync. With the worker, the
 * main thread's commits in that sync took 630 ms in all instead of 1,340, and none over 24 ms.
 * The main connection keeps its own automatic checkpoint (`wal_autocheckpoint`) as the fallback, should
 * the worker fall behind or stop: it fires only when the WAL has grown that large. PostgreSQL has
 * nothing of the kind to do.
 */
@Injectable()
export class WalCheckpointer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WalCheckpointer.name);
  private worker: Worker | null = null;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    const { type, database } = this.dataSource.options;
    if (type !== 'better-sqlite3' || typeof database !== 'string' || database === ':memory:') return;
    const worker = new Worker(join(__dirname, 'wal-checkpoint-worker.js'), {
      workerData: { file: database, intervalMs: CHECKPOINT_INTERVAL_MS } satisfies CheckpointWorkerData,
    });
    // Checkpointing must not keep a process alive that has nothing else to do.
    worker.unref();
    worker.on('message', (report: CheckpointWorkerReport) =>
      this.logger.warn(`Background WAL checkpoint failed (the main connection checkpoints instead): ${report.error}`),
    );
    worker.on('error', (error) =>
      this.logger.warn(`The WAL checkpoint worker stopped (the main connection checkpoints instead): ${error.message}`),
    );
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    this.worker = worker;
  }

  /** Closes the worker's connection before TypeORM closes the main one, which then checkpoints last. */
  async onApplicationShutdown(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    // Held until it exits, which an unreferenced worker would not be. One that already stopped ignores the message.
    worker.ref();
    worker.postMessage('close');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), CLOSE_LIMIT_MS)));
    // An unfinished checkpoint is safe to cut short: the main connection's close checkpoints again.
    if ((await Promise.race([this.exited, late])) === 'late') await worker.terminate();
    clearTimeout(timer);
  }
}
