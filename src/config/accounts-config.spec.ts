import { parseConfig } from './parse-config';

/** SYSTEM_SMTP_URL, the sign-in throttle and SUPERADMIN_PASSWORD's policy. */
describe('parseConfig: accounts', () => {
  const parse = (env: Record<string, string>) => parseConfig(env, '/srv');

  it('reads SYSTEM_SMTP_URL into the platform mail server, or none', () => {
    expect(parse({}).systemSmtp).toBeNull();
    expect(parse({ SYSTEM_SMTP_URL: 'smtps://alerts%40example.com:p%40ss@smtp.example.com' }).systemSmtp).toEqual({
      host: 'smtp.example.com',
      port: 465,
      security: 'tls',
      auth: { user: 'alerts@example.com', pass: 'p@ss' },
      from: 'alerts@example.com',
      verifyCertificate: true,
    });
    expect(
      parse({ SYSTEM_SMTP_URL: 'smtp://relay.internal:2525?security=none&from=noreply@help.example&verify=false' })
        .systemSmtp,
    ).toEqual({
      host: 'relay.internal',
      port: 2525,
      security: 'none',
      auth: null,
      from: 'noreply@help.example',
      verifyCertificate: false,
    });
    expect(parse({ SYSTEM_SMTP_URL: 'smtp://u:p@mail.example.com' }).systemSmtp).toMatchObject({
      port: 587,
      security: 'starttls',
      from: 'noreply@mail.example.com',
    });
  });

  it('refuses a wrong SYSTEM_SMTP_URL without printing its password', () => {
    for (const value of ['http://u:secret-pw@x', 'not a url secret-pw', 'smtp://u:secret-pw@x?security=ssl']) {
      expect(() => parse({ SYSTEM_SMTP_URL: value })).toThrow(/^Invalid configuration: SYSTEM_SMTP_URL /);
      expect(() => parse({ SYSTEM_SMTP_URL: value })).not.toThrow(/secret-pw/);
    }
  });

  it('has the sign-in throttle defaults', () => {
    expect(parse({}).loginRateLimit).toEqual({
      windowSeconds: 900,
      maxPerIp: 30,
      maxPerAccount: 5,
      accountCeiling: 50,
    });
  });

  it('holds SUPERADMIN_PASSWORD to the password policy', () => {
    expect(() => parse({ SUPERADMIN_EMAIL: 'root@x.test', SUPERADMIN_PASSWORD: 'password1234' })).toThrow(
      'Invalid configuration: SUPERADMIN_PASSWORD is one of the most common passwords',
    );
    expect(
      parse({ SUPERADMIN_EMAIL: 'root@x.test', SUPERADMIN_PASSWORD: 'a long phrase nobody guesses' }).superadmin,
    ).not.toBeNull();
  });
});
