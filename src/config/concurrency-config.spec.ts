import { parseConfig } from './parse-config';

const POSTGRES = { DATABASE_URL: 'postgres://helpdesk@db/helpdesk' };

/** The database pool and how many sync runs share it (DATABASE_POOL_SIZE, SYNC_CONCURRENCY, SYNC_LEASE_SECONDS). */
describe('parseConfig: database pool and sync concurrency', () => {
  const parse = (env: Record<string, string>) => parseConfig(env, '/srv');

  it('defaults to a pool of 10 with half of it for sync runs, and a one-minute lease', () => {
    const config = parse(POSTGRES);
    expect(config.databasePoolSize).toBe(10);
    expect(config.sync.concurrency).toBe(5);
    expect(config.sync.leaseSeconds).toBe(60);
  });

  it('sizes the default concurrency to the pool, never below one run', () => {
    expect(parse({ ...POSTGRES, DATABASE_POOL_SIZE: '40' }).sync.concurrency).toBe(20);
    expect(parse({ ...POSTGRES, DATABASE_POOL_SIZE: '3' }).sync.concurrency).toBe(1);
    expect(parse({ ...POSTGRES, DATABASE_POOL_SIZE: '2' }).sync.concurrency).toBe(1);
  });

  it('reads every variable', () => {
    const config = parse({ ...POSTGRES, DATABASE_POOL_SIZE: '30', SYNC_CONCURRENCY: '12', SYNC_LEASE_SECONDS: '20' });
    expect([config.databasePoolSize, config.sync.concurrency, config.sync.leaseSeconds]).toEqual([30, 12, 20]);
  });

  it.each([
    [{ DATABASE_POOL_SIZE: '1' }, 'DATABASE_POOL_SIZE'],
    [{ SYNC_CONCURRENCY: '0' }, 'SYNC_CONCURRENCY'],
    [{ SYNC_LEASE_SECONDS: '1' }, 'SYNC_LEASE_SECONDS'],
    // On PostgreSQL runs may not take the whole pool: the API would have no connection left.
    [{ DATABASE_POOL_SIZE: '8', SYNC_CONCURRENCY: '8' }, 'SYNC_CONCURRENCY'],
  ])('refuses %j', (env, variable) => {
    expect(() => parse({ ...POSTGRES, ...env })).toThrow(`Invalid configuration: ${variable}`);
  });

  it('on SQLite (one connection, no pool) any concurrency is allowed', () => {
    expect(parse({ DATABASE_POOL_SIZE: '2', SYNC_CONCURRENCY: '8' }).sync.concurrency).toBe(8);
  });
});
