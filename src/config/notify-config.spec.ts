import { parseConfig } from './parse-config';

/** The notification sender's variables of parseConfig (NOTIFY_*). */
describe('parseConfig: notifications', () => {
  const parse = (env: Record<string, string>) => parseConfig(env, '/srv');

  it('has defaults that suit a production server', () => {
    expect(parse({}).notifications).toEqual({
      senderEnabled: true,
      pollIntervalMs: 1_000,
      batchSize: 100,
      poolConnections: 3,
      retryBaseMs: 30_000,
      retryMaxMs: 900_000,
      maxAttempts: 20,
      leaseMs: 30_000,
      loopLimit: 10,
      loopWindowSeconds: 600,
    });
  });

  it('reads every variable', () => {
    const config = parse({
      NOTIFY_SENDER_ENABLED: 'false',
      NOTIFY_POLL_INTERVAL_MS: '250',
      NOTIFY_BATCH_SIZE: '20',
      NOTIFY_POOL_CONNECTIONS: '5',
      NOTIFY_RETRY_BASE_MS: '1000',
      NOTIFY_RETRY_MAX_MS: '60000',
      NOTIFY_MAX_ATTEMPTS: '4',
      NOTIFY_LEASE_SECONDS: '120',
      NOTIFY_LOOP_LIMIT: '3',
      NOTIFY_LOOP_WINDOW_SECONDS: '60',
    });
    expect(config.notifications).toEqual({
      senderEnabled: false,
      pollIntervalMs: 250,
      batchSize: 20,
      poolConnections: 5,
      retryBaseMs: 1_000,
      retryMaxMs: 60_000,
      maxAttempts: 4,
      leaseMs: 120_000,
      loopLimit: 3,
      loopWindowSeconds: 60,
    });
  });

  it.each([
    [
      { NOTIFY_BATCH_SIZE: '0' },
      'Invalid configuration: NOTIFY_BATCH_SIZE must be an integer from 1 to 1000 (got "0")',
    ],
    [
      { NOTIFY_RETRY_BASE_MS: '5000', NOTIFY_RETRY_MAX_MS: '1000' },
      'Invalid configuration: NOTIFY_RETRY_MAX_MS must not be below NOTIFY_RETRY_BASE_MS (5000)',
    ],
    [
      { NOTIFY_LEASE_SECONDS: '2' },
      'Invalid configuration: NOTIFY_LEASE_SECONDS must be an integer from 3 to 86400 (got "2")',
    ],
    [
      { NOTIFY_SENDER_ENABLED: 'maybe' },
      'Invalid configuration: NOTIFY_SENDER_ENABLED must be true or false (got "maybe")',
    ],
  ])('refuses %j', (env, message) => {
    expect(() => parse(env)).toThrow(message);
  });
});
