import { ServiceBusyError, type DomainError } from '../common/errors/domain-error';

/** What pg-pool rejects a caller with after POOL_WAIT_MS in line for a connection. */
const POOL_WAIT_TIMEOUT = 'timeout exceeded when trying to connect';

/**
 * Whether `error` means "every pooled connection was busy for too long" rather than "the database is
 * gone": the first is load (retry soon), the second an outage.
 */
export function isPoolWaitTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === POOL_WAIT_TIMEOUT;
}

/**
 * For the HTTP error filter: a pool wait timeout is load, not a fault (every database connection stayed
 * busy for the whole wait), so the caller gets 503 DATABASE_BUSY (with Retry-After) and may try again soon.
 */
export function poolWaitAsBusy(error: unknown): DomainError | null {
  if (!isPoolWaitTimeout(error)) return null;
  return new ServiceBusyError('DATABASE_BUSY', 'The service is busy; try again in a few seconds', 5);
}
