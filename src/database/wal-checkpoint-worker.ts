/**
 * Worker-thread entry of WalCheckpointer: copies the SQLite WAL into the database file on its own
 * connection, so the main thread does not stop for it. Each tick it checkpoints only when another
 * connection committed since the last look (`data_version`), PASSIVE so it never waits for, or
 * blocks, the main thread's readers and writers. Reports a failure once and keeps trying.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

export interface CheckpointWorkerData {
  file: string;
  intervalMs: number;
}

/** What the worker tells its owner: a failure (the main thread's own checkpoints are the fallback). */
export interface CheckpointWorkerReport {
  error: string;
}

/** A row of `PRAGMA wal_checkpoint`: whether it was blocked, frames in the WAL, frames copied. */
interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

const MAX_PASSES_PER_TICK = 8;

const port = parentPort;
if (!port) throw new Error('wal-checkpoint-worker must run as a worker thread');
const { file, intervalMs } = workerData as CheckpointWorkerData;

const db = new Database(file, { fileMustExist: true });
// The checkpoint syncs the WAL before copying and the database file after, as the main connection's would.
db.pragma('synchronous = NORMAL');
let seenVersion: unknown = null;
let failing = false;

const timer = setInterval(() => {
  try {
    // Commits made during a pass stay in the WAL, and SQLite starts the WAL over only once nothing in it
    // is left to copy: passes repeat, each shorter than the last, while the main thread keeps committing.
    // A pass that could not copy everything (another checkpoint was running, or a reader still needs old
    // pages) leaves the version unseen, so the next tick tries again even if nothing is committed meanwhile.
    for (let pass = 0; pass < MAX_PASSES_PER_TICK; pass += 1) {
      const version = db.pragma('data_version', { simple: true });
      if (version === seenVersion) break;
      const [result] = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[];
      if (result.busy !== 0 || result.checkpointed !== result.log) break;
      seenVersion = version;
    }
    failing = false;
  } catch (error) {
    if (!failing) port.postMessage({ error: (error as Error).message } satisfies CheckpointWorkerReport);
    failing = true;
  }
}, intervalMs);

port.on('message', (message: unknown) => {
  if (message !== 'close') return;
  clearInterval(timer);
  db.close();
  port.close();
});
