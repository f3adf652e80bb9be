import { type MessagePort, parentPort } from 'node:worker_threads';
import type { TaskMessage, TaskReply } from './deadline-worker-pool';

/**
 * The worker side of `DeadlineWorkerPool`: answers each task with what `handle` resolves to. A handler
 * returns its expected failures as data; anything it throws is reported as a crash of the task.
 */
export function serveTasks<Request, Result>(handle: (request: Request, port: MessagePort) => Promise<Result>): void {
  const port = parentPort;
  if (!port) throw new Error('A task worker must run as a worker thread');
  port.on('message', ({ id, request, port: taskPort }: TaskMessage<Request>) => {
    handle(request, taskPort)
      .then(
        (result) => port.postMessage({ id, result } satisfies TaskReply<Result>),
        (error: unknown) =>
          port.postMessage({
            id,
            crash: error instanceof Error ? error.message : String(error),
          } satisfies TaskReply<Result>),
      )
      .finally(() => taskPort.close());
  });
  port.postMessage({ ready: true } satisfies TaskReply<Result>);
}
