import { randomBytes } from 'node:crypto';
import { parseConfig } from './parse-config';

/** The mail and encryption variables of parseConfig (ENCRYPTION_KEY, MAIL_*). */
describe('parseConfig: mail and encryption', () => {
  const parse = (env: Record<string, string>) => parseConfig(env, '/srv');

  it('has safe defaults', () => {
    const config = parse({ NODE_ENV: 'production' });
    expect(config.encryptionKey).toBeNull();
    expect(config.mail).toEqual({
      connect: { timeoutMs: 15_000, policy: { allowPrivate: false, allowedHosts: [] } },
      verifyTimeoutMs: 30_000,
    });
  });

  it('allows private hosts by default only when NODE_ENV is explicitly development', () => {
    expect(parse({ NODE_ENV: 'development' }).mail.connect.policy.allowPrivate).toBe(true);
    expect(parse({}).mail.connect.policy.allowPrivate).toBe(false);
    expect(parse({ NODE_ENV: 'test' }).mail.connect.policy.allowPrivate).toBe(false);
    expect(parse({ NODE_ENV: 'development', MAIL_ALLOW_PRIVATE_HOSTS: 'false' }).mail.connect.policy.allowPrivate).toBe(
      false,
    );
    expect(parse({ NODE_ENV: 'production', MAIL_ALLOW_PRIVATE_HOSTS: 'true' }).mail.connect.policy.allowPrivate).toBe(
      true,
    );
  });

  it('reads the allowed hosts, timeouts and key', () => {
    const key = randomBytes(32);
    const config = parse({
      ENCRYPTION_KEY: key.toString('base64'),
      MAIL_ALLOWED_HOSTS: ' mail.internal , 10.1.0.0/16,fd00::/8, 192.168.1.5 ',
      MAIL_CONNECT_TIMEOUT_MS: '5000',
      MAIL_VERIFY_TIMEOUT_MS: '20000',
    });
    expect(config.encryptionKey).toEqual(key);
    expect(config.mail.connect.policy.allowedHosts).toEqual([
      'mail.internal',
      '10.1.0.0/16',
      'fd00::/8',
      '192.168.1.5',
    ]);
    expect(config.mail.connect.timeoutMs).toBe(5000);
    expect(config.mail.verifyTimeoutMs).toBe(20000);
  });

  it.each([
    [
      { ENCRYPTION_KEY: 'c2hvcnQ=' },
      'Invalid configuration: ENCRYPTION_KEY must decode to 32 bytes, e.g. the output of `openssl rand -base64 32` (got 5)',
    ],
    [
      { ENCRYPTION_KEY: 'no spaces please' },
      'Invalid configuration: ENCRYPTION_KEY must be base64, e.g. the output of `openssl rand -base64 32`',
    ],
    [
      { MAIL_ALLOWED_HOSTS: '10.0.0.0/' },
      'Invalid configuration: MAIL_ALLOWED_HOSTS must list host names, addresses or CIDRs (e.g. mail.internal,10.1.0.0/16), separated by commas (got "10.0.0.0/")',
    ],
    [{ MAIL_ALLOWED_HOSTS: '10.0.0.0/33' }, 'got "10.0.0.0/33"'],
    [{ MAIL_ALLOWED_HOSTS: 'imap://mail.internal' }, 'got "imap://mail.internal"'],
    [
      { MAIL_ALLOW_PRIVATE_HOSTS: 'maybe' },
      'Invalid configuration: MAIL_ALLOW_PRIVATE_HOSTS must be true or false (got "maybe")',
    ],
    [
      { MAIL_CONNECT_TIMEOUT_MS: '0' },
      'Invalid configuration: MAIL_CONNECT_TIMEOUT_MS must be an integer from 100 to 300000 (got "0")',
    ],
  ])('names the variable in the error: %j', (env, message) => {
    expect(() => parse(env)).toThrow(message);
  });
});
