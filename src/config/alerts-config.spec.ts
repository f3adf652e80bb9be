import { parseConfig } from './parse-config';

/** The alert variables of parseConfig (ALERT_*, SYSTEM_SMTP_*). */
describe('parseConfig: alerts', () => {
  const parse = (env: Record<string, string>) => parseConfig(env, '/srv');

  it('opens an incident after 3 failed runs or 30 minutes of stuck notifications, with no platform SMTP', () => {
    expect(parse({}).alerts).toEqual({
      syncFailures: 3,
      outboxMaxAgeSeconds: 1800,
      outboxFailures: 5,
      checkIntervalSeconds: 60,
      systemSmtp: null,
    });
  });

  it('reads SYSTEM_SMTP_URL: STARTTLS on 587 by default, the user as sender, a percent-encoded password', () => {
    const { systemSmtp } = parse({ SYSTEM_SMTP_URL: 'smtp://alerts%40ops.example:p%40ss%3Aw@mail.ops.example' }).alerts;
    expect(systemSmtp).toEqual({
      host: 'mail.ops.example',
      port: 587,
      security: 'starttls',
      auth: { user: 'alerts@ops.example', pass: 'p@ss:w' },
      verifyCertificate: true,
      from: { address: 'alerts@ops.example', name: 'Helpdesk alerts' },
    });
  });

  it('takes smtps:// as TLS on 465, a plain local relay, and SYSTEM_SMTP_FROM', () => {
    expect(
      parse({ SYSTEM_SMTP_URL: 'smtps://u:p@mx.example', SYSTEM_SMTP_FROM: 'noc@example.com' }).alerts.systemSmtp,
    ).toMatchObject({ port: 465, security: 'tls', from: { address: 'noc@example.com' } });
    const relay = parse({
      SYSTEM_SMTP_URL: 'smtp://127.0.0.1:25?security=none&verifyCertificate=false',
      SYSTEM_SMTP_FROM: 'helpdesk@example.com',
    }).alerts.systemSmtp;
    expect(relay).toMatchObject({
      host: '127.0.0.1',
      port: 25,
      security: 'none',
      auth: null,
      verifyCertificate: false,
    });
  });

  it.each([
    [{ SYSTEM_SMTP_URL: 'http://mx.example' }, 'SYSTEM_SMTP_URL'],
    [{ SYSTEM_SMTP_URL: 'not a url' }, 'SYSTEM_SMTP_URL'],
    [{ SYSTEM_SMTP_URL: 'smtp://mx.example?security=ssl', SYSTEM_SMTP_FROM: 'a@b.example' }, 'SYSTEM_SMTP_URL'],
    [{ SYSTEM_SMTP_URL: 'smtp://relay:secret@mx.example' }, 'SYSTEM_SMTP_FROM'],
    [{ SYSTEM_SMTP_FROM: 'a@b.example' }, 'SYSTEM_SMTP_FROM'],
    [{ ALERT_SYNC_FAILURES: '0' }, 'ALERT_SYNC_FAILURES'],
  ])('refuses %j, naming %s and never the password', (env, variable) => {
    expect(() => parse(env)).toThrow(variable);
    expect(() => parse(env)).not.toThrow('secret');
  });
});
