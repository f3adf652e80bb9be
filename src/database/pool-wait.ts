/** What pg-pool rejects a caller with after POOL_WAIT_MS in line for a connection. */
const POOL_WAIT_TIMEOUT = 'timeout exceeded when trying to connect';

/**
 * Whether `error` means "every pooled connection was busy for too long" rather than "the database is
 * gone": the first is load (retry soon), the second an outage.
 */
export function isPoolWaitTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === POOL_WAIT_TIMEOUT;
}
