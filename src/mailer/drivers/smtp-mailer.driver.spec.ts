import { startDovecot, type DovecotServer } from '../../../test/harness/dovecot';
import { freePort } from '../../../test/harness/free-port';
import { startSmtpServer, type TestSmtpServer, type TestSmtpServerOptions } from '../../../test/harness/smtp-server';
import { mailFailure } from '../../../test/support/mail-failure';
import type { MailConnectOptions } from '../../common/net/mail-connect-options';
import type { OutgoingMessage } from '../mailer.types';
import { SmtpSendError } from '../smtp-send-error';
import { SmtpMailerDriver } from './smtp-mailer.driver';
import type { SmtpConnectionSettings } from '../smtp-settings';

const sender = { user: 'helpdesk', password: 'helpdesk-secret' };
const options: MailConnectOptions = { timeoutMs: 3_000, policy: { allowPrivate: true, allowedHosts: [] } };

function message(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    from: { address: 'support@helpdesk.test', name: 'Support' },
    to: ['customer@example.test'],
    subject: 'Re: Printer on fire',
    text: 'We are on it.',
    ...overrides,
  };
}

describe('SmtpMailerDriver against the test SMTP server', () => {
  const driver = new SmtpMailerDriver();
  let dovecot: DovecotServer;
  let servers: Record<'starttls' | 'implicit' | 'plain', TestSmtpServer>;

  beforeAll(async () => {
    dovecot = await startDovecot();
    const common: TestSmtpServerOptions = { auth: 'required', users: [sender], deliverTo: dovecot };
    servers = {
      starttls: await startSmtpServer({ ...common, tls: 'starttls' }),
      implicit: await startSmtpServer({ ...common, tls: 'implicit' }),
      plain: await startSmtpServer({ ...common, tls: 'none' }),
    };
  });

  afterAll(async () => {
    await Promise.all(Object.values(servers ?? {}).map((server) => server.close()));
    await dovecot?.close();
  });

  function settings(
    server: keyof typeof servers,
    overrides: Partial<SmtpConnectionSettings> = {},
  ): SmtpConnectionSettings {
    const security = server === 'implicit' ? 'tls' : server === 'plain' ? 'none' : 'starttls';
    return {
      host: servers[server].host,
      port: servers[server].port,
      security,
      auth: { user: sender.user, pass: sender.password },
      verifyCertificate: false,
      ...overrides,
    };
  }

  describe('testConnection', () => {
    it.each([{ name: 'plain' }, { name: 'starttls' }, { name: 'implicit' }] as const)(
      'succeeds over $name',
      async ({ name }) => {
        await expect(driver.testConnection(settings(name), options)).resolves.toBeUndefined();
      },
    );

    it('reports a wrong password as auth', async () => {
      const error = await mailFailure(
        driver.testConnection(settings('starttls', { auth: { user: 'helpdesk', pass: 'x' } }), options),
      );
      expect(error.reason).toBe('auth');
      expect(error.hint).toMatch(/app password/);
    });

    it('reports a closed port as refused', async () => {
      const error = await mailFailure(driver.testConnection({ ...settings('plain'), port: await freePort() }, options));
      expect(error.reason).toBe('refused');
    });

    it('reports implicit TLS to a plain port as tls', async () => {
      const error = await mailFailure(driver.testConnection(settings('starttls', { security: 'tls' }), options));
      expect(error.reason).toBe('tls');
    });

    it('reports STARTTLS required but not offered as tls', async () => {
      const error = await mailFailure(driver.testConnection(settings('plain', { security: 'starttls' }), options));
      expect(error.reason).toBe('tls');
    });

    it('reports a password refused for lack of encryption as tls', async () => {
      const error = await mailFailure(driver.testConnection(settings('starttls', { security: 'none' }), options));
      expect(error.reason).toBe('tls');
      expect(error.hint).toMatch(/STARTTLS or TLS/);
    });

    it('reports plain text to the implicit TLS port as a timeout that suggests TLS', async () => {
      const quick = { ...options, timeoutMs: 800 };
      const error = await mailFailure(driver.testConnection(settings('implicit', { security: 'none' }), quick));
      expect(error.reason).toBe('timeout');
      expect(error.hint).toMatch(/TLS/);
    });

    it.each([{ name: 'implicit' }, { name: 'starttls' }] as const)(
      'rejects the self-signed certificate over $name when verifying',
      async ({ name }) => {
        const error = await mailFailure(driver.testConnection(settings(name, { verifyCertificate: true }), options));
        expect(error.reason).toBe('certificate');
      },
    );

    it('refuses loopback when the policy does not allow private hosts', async () => {
      const strict = { ...options, policy: { allowPrivate: false, allowedHosts: [] } };
      const error = await mailFailure(driver.testConnection(settings('plain'), strict));
      expect(error.reason).toBe('blocked');
    });
  });

  describe('send', () => {
    it('delivers with AUTH over STARTTLS into the recipient mailbox, threading headers intact', async () => {
      const result = await driver.send(
        settings('starttls'),
        message({
          to: ['Customer@example.test'],
          messageId: '<t-42.7@helpdesk.test>',
          inReplyTo: '<original@example.test>',
          references: ['<first@example.test>', '<original@example.test>'],
          headers: { 'X-Helpdesk-Ticket': 'T-42' },
          html: '<p>We are on it.</p>',
        }),
        options,
      );
      expect(result).toEqual({ messageId: '<t-42.7@helpdesk.test>', response: expect.stringMatching(/^250/) });

      const received = await servers.starttls.waitFor((m) => m.raw.includes('t-42.7@helpdesk.test'));
      expect(received).toMatchObject({ authUser: 'helpdesk', secure: true });
      const [stored] = await dovecot.list('customer');
      const source = stored.source.toString();
      expect(source).toMatch(/^Delivered-To: Customer@example\.test\r\n/);
      expect(source).toContain('In-Reply-To: <original@example.test>');
      expect(source).toContain('References: <first@example.test> <original@example.test>');
      expect(source).toContain('X-Helpdesk-Ticket: T-42');
    });

    it('sends without AUTH in plain text when the server allows it', async () => {
      const open = await startSmtpServer({ tls: 'none', auth: 'none' });
      try {
        await driver.send({ ...settings('plain'), port: open.port, auth: null }, message(), options);
        expect(open.messages).toHaveLength(1);
        expect(open.messages[0]).toMatchObject({ authUser: null, secure: false });
      } finally {
        await open.close();
      }
    });

    it('marks 451 as transient and 550 as permanent', async () => {
      servers.plain.rejectWith = { code: 451, message: 'Greylisted, try again later' };
      try {
        const transient = await mailFailure<SmtpSendError>(driver.send(settings('plain'), message(), options));
        expect(transient).toBeInstanceOf(SmtpSendError);
        expect(transient).toMatchObject({ responseCode: 451, permanent: false });

        servers.plain.rejectWith = { code: 550, message: 'Mailbox unavailable' };
        const permanent = await mailFailure<SmtpSendError>(driver.send(settings('plain'), message(), options));
        expect(permanent).toMatchObject({ responseCode: 550, permanent: true, reason: 'protocol' });
      } finally {
        servers.plain.rejectWith = null;
      }
    });

    it('treats a rejected login as transient: the message is fine, the settings are not', async () => {
      const bad = settings('plain', { auth: { user: sender.user, pass: 'wrong' } });
      const error = await mailFailure<SmtpSendError>(driver.send(bad, message(), options));
      expect(error).toMatchObject({ reason: 'auth', responseCode: 535, permanent: false });
    });

    it('treats connection failures and blocked hosts as transient', async () => {
      const closed = await mailFailure<SmtpSendError>(
        driver.send({ ...settings('plain'), port: await freePort() }, message(), options),
      );
      expect(closed).toMatchObject({ reason: 'refused', permanent: false });
      const strict = { ...options, policy: { allowPrivate: false, allowedHosts: [] } };
      const blocked = await mailFailure<SmtpSendError>(driver.send(settings('plain'), message(), strict));
      expect(blocked).toBeInstanceOf(SmtpSendError);
      expect(blocked).toMatchObject({ reason: 'blocked', permanent: false });
    });
  });

  describe('pool', () => {
    it('sends a batch over shared connections and survives an outage', async () => {
      const pool = await driver.createPool(settings('implicit'), { ...options, maxConnections: 2 });
      try {
        const subjects = ['one', 'two', 'three', 'four', 'five'];
        const results = await Promise.all(
          subjects.map((subject) => pool.send(message({ subject: `Pool ${subject}` }))),
        );
        expect(results.every((result) => result.response.startsWith('250'))).toBe(true);
        expect(servers.implicit.messages.filter((m) => m.raw.includes('Subject: Pool '))).toHaveLength(5);

        await servers.implicit.stop();
        const outage = await mailFailure<SmtpSendError>(pool.send(message({ subject: 'During outage' })));
        expect(outage).toMatchObject({ permanent: false });
        expect(['refused', 'timeout']).toContain(outage.reason);

        await servers.implicit.start();
        await expect(pool.send(message({ subject: 'After outage' }))).resolves.toMatchObject({
          response: expect.stringMatching(/^250/),
        });
      } finally {
        pool.close();
      }
    });
  });
});
