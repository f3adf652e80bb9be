import { MailConnectionError } from './mail-connection-error';

/**
 * Bounds one network step. Library timeouts only watch the socket, so a server that keeps the connection
 * alive but never finishes a command would otherwise block the caller forever. `onTimeout` lets the
 * caller tear the connection down, since the step it abandons may still be running.
 */
export function withTimeout<T>(work: Promise<T>, timeoutMs: number, what: string, onTimeout?: () => void): Promise<T> {
  // The abandoned step may still reject later; that rejection has no one left to hear it.
  work.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout?.();
      reject(new MailConnectionError('timeout', `${what} took longer than ${timeoutMs} ms`));
    }, timeoutMs);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
