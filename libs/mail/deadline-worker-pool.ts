import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';

/** A task still running on its worker when its deadline passed; the worker was terminated. */
export class WorkerDeadlineError extends Error {
  readonly code = 'WORKER_DEADLINE';

  constructor(readonly deadlineMs: number) {
    super(`still running after ${deadlineMs} ms; its worker was stopped and replaced`);
    this.name = 'WorkerDeadlineError';
  }
}

/** What the pool posts to a worker for one task; `port` carries the task's own conversation, if any. */
export interface TaskMessage<Request> {
  id: number;
  request: Request;
  port: MessagePort;
}

/** A worker's answer to a task, or its word that it has loaded and takes tasks (`ready`, sent once). */
export type TaskReply<Result> = { id: number; result: Result } | { id: number; crash: string } | { ready: true };

export interface PoolOptions {
  /** The worker module (compiled .js) that answers TaskMessages (see `serveTasks`). */
  script: string;
  size: number;
  deadlineMs: number;
  workerData?: unknown;
}

/** Talks with the worker while the task runs (e.g. streams bytes to it); the port closes with the task. */
export type Conversation = (port: MessagePort) => void;

interface Task {
  id: number;
  request: unknown;
  converse: Conversation | null;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Loaded: a task's deadline does not pay for starting a worker. */
  ready: boolean;
  task: (Task & { port: MessagePort; timer: NodeJS.Timeout }) | null;
}

/**
 * Runs tasks on worker threads, one task per worker at a time, each under a deadline counted from the
 * moment its worker starts it (a worker takes tasks once it has loaded and said so). A task over its deadline is rejected with `WorkerDeadlineError` and its
 * worker terminated (whatever it is stuck in) and replaced, so the next task starts at once; tasks wait
 * in a queue on the main thread meanwhile. A worker that dies fails its task and is replaced as well.
 */
export class DeadlineWorkerPool<Request, Result> {
  private readonly slots: (Slot | null)[];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: PoolOptions) {
    this.slots = Array.from({ length: Math.max(1, options.size) }, () => null);
  }

  run(request: Request, converse: Conversation | null = null): Promise<Result> {
    if (this.closed) return Promise.reject(new Error('The worker pool is closed'));
    return new Promise<Result>((resolve, reject) => {
      const task: Task = { id: this.nextId++, request, converse, resolve: resolve as (r: unknown) => void, reject };
      this.queue.push(task);
      this.dispatch();
    });
  }

  /**
   * Starts every worker now rather than on the first message: a worker's start (about 30 MB and a
   * few tens of milliseconds) then falls at boot, not in the middle of the first sync.
   */
  warm(): void {
    if (this.closed) return;
    for (let index = 0; index < this.slots.length; index++) this.slots[index] ??= this.start(index);
  }

  async close(): Promise<void> {
    this.closed = true;
    const running = this.slots.filter((slot): slot is Slot => slot !== null);
    this.slots.fill(null);
    for (const task of this.queue.splice(0)) task.reject(new Error('The worker pool is closed'));
    for (const slot of running) this.finish(slot, new Error('The worker pool is closed'));
    await Promise.all(running.map((slot) => slot.worker.terminate()));
  }

  /** Hands queued tasks to idle workers, starting workers as needed. */
  private dispatch(): void {
    for (let index = 0; index < this.slots.length && this.queue.length > 0; index++) {
      const slot = this.slots[index] ?? this.start(index);
      if (!slot.ready || slot.task) continue;
      const task = this.queue.shift()!;
      const { port1, port2 } = new MessageChannel();
      const timer = setTimeout(() => this.overrun(index, slot), this.options.deadlineMs);
      slot.task = { ...task, port: port1, timer };
      task.converse?.(port1);
      slot.worker.postMessage({ id: task.id, request: task.request, port: port2 } satisfies TaskMessage<unknown>, [
        port2,
      ]);
    }
  }

  private start(index: number): Slot {
    // A bounded young generation keeps the worker's RSS in check; 8 MB made it collect so often that a sync
    // of 2,000 messages ran at 368 msg/s on SQLite against 436 with 32 MB (bench:ingest, 2026-12-07).
    const worker = new Worker(this.options.script, {
      workerData: this.options.workerData,
      resourceLimits: { maxYoungGenerationSizeMb: 32 },
    });
    // An idle pool must not keep the process alive.
    worker.unref();
    const slot: Slot = { worker, ready: false, task: null };
    worker.on('message', (reply: TaskReply<Result>) => {
      if ('ready' in reply) {
        slot.ready = true;
        this.dispatch();
        return;
      }
      if (slot.task?.id !== reply.id) return;
      if ('crash' in reply) this.finish(slot, new Error(reply.crash));
      else this.finish(slot, null, reply.result);
      this.dispatch();
    });
    const died = (error: Error) => {
      if (this.slots[index] === slot) this.slots[index] = null;
      this.finish(slot, error);
      // A worker that cannot even start would be restarted for ever: what waits fails instead.
      if (!slot.ready) for (const task of this.queue.splice(0)) task.reject(error);
      if (!this.closed) this.dispatch();
    };
    worker.on('error', died);
    worker.on('exit', (code) => died(new Error(`The mail worker exited (code ${code})`)));
    this.slots[index] = slot;
    return slot;
  }

  private overrun(index: number, slot: Slot): void {
    if (this.slots[index] === slot) this.slots[index] = null;
    this.finish(slot, new WorkerDeadlineError(this.options.deadlineMs));
    // terminate() stops the worker even inside a tight loop; the next task gets a fresh one meanwhile.
    void slot.worker.terminate();
    if (!this.closed) this.dispatch();
  }

  private finish(slot: Slot, error: Error | null, result?: unknown): void {
    const task = slot.task;
    if (!task) return;
    slot.task = null;
    clearTimeout(task.timer);
    task.port.close();
    if (error) task.reject(error);
    else task.resolve(result);
  }
}
