import { parseConfig } from './parse-config';

/** The alert variables of parseConfig (ALERT_*); SYSTEM_SMTP_URL, which alert mail also uses, has its own spec. */
describe('parseConfig: alerts', () => {
  const parse = (env: Record<string, string>) => parseConfig(env, '/srv');

  it('opens an incident after 3 failed runs or 30 minutes of stuck notifications, looking every minute', () => {
    expect(parse({}).alerts).toEqual({
      syncFailures: 3,
      outboxMaxAgeSeconds: 1800,
      outboxFailures: 5,
      checkIntervalSeconds: 60,
    });
  });

  it('reads every variable', () => {
    const env = {
      ALERT_SYNC_FAILURES: '5',
      ALERT_OUTBOX_MAX_AGE_SECONDS: '600',
      ALERT_OUTBOX_FAILURES: '2',
      ALERT_CHECK_INTERVAL_SECONDS: '10',
    };
    expect(parse(env).alerts).toEqual({
      syncFailures: 5,
      outboxMaxAgeSeconds: 600,
      outboxFailures: 2,
      checkIntervalSeconds: 10,
    });
  });

  it.each([
    [{ ALERT_SYNC_FAILURES: '0' }, 'ALERT_SYNC_FAILURES'],
    [{ ALERT_OUTBOX_MAX_AGE_SECONDS: 'soon' }, 'ALERT_OUTBOX_MAX_AGE_SECONDS'],
    [{ ALERT_CHECK_INTERVAL_SECONDS: '0' }, 'ALERT_CHECK_INTERVAL_SECONDS'],
  ])('refuses %j, naming %s', (env, variable) => {
    expect(() => parse(env)).toThrow(variable);
  });
});
