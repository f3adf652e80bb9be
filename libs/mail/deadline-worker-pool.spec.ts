import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeadlineWorkerPool, WorkerDeadlineError } from './deadline-worker-pool';

/** A worker that doubles numbers, spins for ever on 'spin' and exits on 'exit'. */
const WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ id, request, port }) => {
  if (request === 'spin') for (;;) {}
  if (request === 'exit') process.exit(3);
  port.close();
  parentPort.postMessage({ id, result: request * 2 });
});
parentPort.postMessage({ ready: true });
`;

describe('DeadlineWorkerPool', () => {
  let dir: string;
  let script: string;
  let pool: DeadlineWorkerPool<number | string, number>;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hd-pool-'));
    script = join(dir, 'worker.js');
    writeFileSync(script, WORKER);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => pool.close());

  it('answers every task, more tasks than workers included', async () => {
    pool = new DeadlineWorkerPool({ script, size: 2, deadlineMs: 10_000 });
    expect(await Promise.all([1, 2, 3, 4, 5].map((n) => pool.run(n)))).toEqual([2, 4, 6, 8, 10]);
  });

  it('stops a task over its deadline, replaces the worker, and runs what waited behind it', async () => {
    pool = new DeadlineWorkerPool({ script, size: 1, deadlineMs: 300 });
    const stuck = pool.run('spin');
    const behind = [pool.run(1), pool.run(2)];
    await expect(stuck).rejects.toBeInstanceOf(WorkerDeadlineError);
    await expect(stuck).rejects.toThrow('still running after 300 ms');
    // Queued on the main thread, not on the stuck worker: their deadlines start when they start.
    expect(await Promise.all(behind)).toEqual([2, 4]);
    await expect(pool.run('spin')).rejects.toBeInstanceOf(WorkerDeadlineError);
    expect(await pool.run(21)).toBe(42);
  });

  it('fails the task of a worker that dies and replaces the worker', async () => {
    pool = new DeadlineWorkerPool({ script, size: 1, deadlineMs: 10_000 });
    await expect(pool.run('exit')).rejects.toThrow('The mail worker exited (code 3)');
    expect(await pool.run(5)).toBe(10);
  });
});
