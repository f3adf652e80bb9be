import { startDovecot, type DovecotServer } from '../../../test/harness/dovecot';
import { freePort } from '../../../test/harness/free-port';
import { imapSettingsFor, LOOPBACK_CONNECT } from '../../../test/support/imap-settings';
import { mailFailure } from '../../../test/support/mail-failure';
import type { MailConnectOptions } from '../../common/net/mail-connect-options';
import { ImapMailboxDriver } from './imap-mailbox.driver';
import type { ImapConnectionSettings } from '../imap-settings';
import type { FetchedMessage, MailboxSession } from '../mailbox.types';

const agent = { user: 'agent', password: 'agent-secret' };
const options: MailConnectOptions = LOOPBACK_CONNECT;

function message(id: string, extraHeaders = ''): string {
  return `Message-ID: <${id}@test>\r\nSubject: ${id}\r\n${extraHeaders}\r\nBody of ${id}\r\n`;
}

async function collect(iterable: AsyncIterable<FetchedMessage>): Promise<FetchedMessage[]> {
  const result: FetchedMessage[] = [];
  for await (const item of iterable) result.push(item);
  return result;
}

describe('ImapMailboxDriver against Dovecot', () => {
  const driver = new ImapMailboxDriver();
  let dovecot: DovecotServer;
  let uids: number[];

  beforeAll(async () => {
    dovecot = await startDovecot({ users: [agent] });
    uids = [
      await dovecot.append(agent.user, message('jan'), { date: new Date('2024-01-10T12:00:00Z') }),
      await dovecot.append(agent.user, message('feb', 'X-Ticket: T-1001\r\n'), {
        date: new Date('2024-02-10T12:00:00Z'),
      }),
      await dovecot.append(agent.user, message('mar'), { date: new Date('2024-03-10T12:00:00Z') }),
    ];
  });

  afterAll(async () => {
    await dovecot?.close();
  });

  function settings(overrides: Partial<ImapConnectionSettings> = {}): ImapConnectionSettings {
    return imapSettingsFor(dovecot, agent, overrides);
  }

  describe('testConnection', () => {
    // Object rows: the test runner's it.each consumes array rows while formatting the title.
    it.each([
      { name: 'none', security: 'none', port: 'imapPort' },
      { name: 'starttls', security: 'starttls', port: 'imapPort' },
      { name: 'tls', security: 'tls', port: 'imapsPort' },
    ] as const)('succeeds with security $name', async ({ security, port }) => {
      const result = await driver.testConnection(settings({ security, port: dovecot[port] }), options);
      expect(result).toEqual({ folder: 'INBOX', messages: 3, uidValidity: expect.stringMatching(/^\d+$/) });
    });

    it('reports a wrong password as auth, with the app-password hint', async () => {
      const error = await mailFailure(driver.testConnection(settings({ password: 'nope' }), options));
      expect(error.reason).toBe('auth');
      expect(error.hint).toMatch(/app password/);
    });

    it('reports a closed port as refused', async () => {
      const error = await mailFailure(driver.testConnection(settings({ port: await freePort() }), options));
      expect(error.reason).toBe('refused');
    });

    it('reports an unknown folder as folder', async () => {
      const error = await mailFailure(driver.testConnection(settings({ folder: 'Nope' }), options));
      expect(error.reason).toBe('folder');
    });

    it('reports implicit TLS to the plain port as tls', async () => {
      const error = await mailFailure(driver.testConnection(settings({ security: 'tls' }), options));
      expect(error.reason).toBe('tls');
    });

    it('reports plain text to the TLS port as a timeout that suggests TLS', async () => {
      const quick = { ...options, timeoutMs: 800 };
      const error = await mailFailure(driver.testConnection(settings({ port: dovecot.imapsPort }), quick));
      expect(error.reason).toBe('timeout');
      expect(error.hint).toMatch(/TLS/);
    });

    it.each([
      { name: 'tls', security: 'tls', port: 'imapsPort' },
      { name: 'starttls', security: 'starttls', port: 'imapPort' },
    ] as const)('rejects the self-signed certificate over $name when verifying', async ({ security, port }) => {
      const error = await mailFailure(
        driver.testConnection(settings({ security, port: dovecot[port], verifyCertificate: true }), options),
      );
      expect(error.reason).toBe('certificate');
    });

    it('refuses loopback when the policy does not allow private hosts', async () => {
      const strict = { ...options, policy: { allowPrivate: false, allowedHosts: [] } };
      const error = await mailFailure(driver.testConnection(settings(), strict));
      expect(error.reason).toBe('blocked');
    });
  });

  describe('session', () => {
    let session: MailboxSession;

    beforeAll(async () => {
      session = await driver.openSession(settings(), options);
    });

    afterAll(async () => {
      await session?.close();
    });

    it('reports the folder state', async () => {
      await expect(session.folderState()).resolves.toEqual({
        uidValidity: expect.stringMatching(/^\d+$/),
        uidNext: uids[2] + 1,
        exists: 3,
      });
    });

    it('lists the UIDs above a point, and nothing past the end', async () => {
      await expect(session.uidsAbove(0)).resolves.toEqual(uids);
      await expect(session.uidsAbove(uids[0])).resolves.toEqual([uids[1], uids[2]]);
      // "N:*" matches the last message even when N is past it.
      await expect(session.uidsAbove(uids[2])).resolves.toEqual([]);
      await expect(session.uidsAbove(uids[2] + 100)).resolves.toEqual([]);
    });

    it('lists the UIDs of a range over a size', async () => {
      const sizes = [message('jan'), message('feb', 'X-Ticket: T-1001\r\n'), message('mar')].map((raw) =>
        Buffer.byteLength(raw),
      );
      const smallest = Math.min(...sizes);
      await expect(session.uidsLargerThan(uids[0], uids[2], smallest)).resolves.toEqual(
        uids.filter((_, i) => sizes[i] > smallest),
      );
      // Every message is over 1 byte (imapflow leaves LARGER 0 out of the search altogether).
      await expect(session.uidsLargerThan(uids[0], uids[2], 1)).resolves.toEqual(uids);
      await expect(session.uidsLargerThan(uids[1], uids[1], 1)).resolves.toEqual([uids[1]]);
      await expect(session.uidsLargerThan(uids[0], uids[2], Math.max(...sizes))).resolves.toEqual([]);
    });

    it('reads the sizes of listed messages, ascending, skipping vanished UIDs', async () => {
      const sizes = await session.sizesOf([uids[2], 9_999, uids[0]]);
      expect(sizes).toEqual([
        { uid: uids[0], size: Buffer.byteLength(message('jan')) },
        { uid: uids[2], size: Buffer.byteLength(message('mar')) },
      ]);
      await expect(session.sizesOf([])).resolves.toEqual([]);
    });

    it('searches by internal date and by header', async () => {
      await expect(session.searchUidsSince(new Date('2024-02-01T00:00:00Z'))).resolves.toEqual([uids[1], uids[2]]);
      await expect(session.findByHeader('Message-ID', '<feb@test>')).resolves.toEqual([uids[1]]);
      await expect(session.findByHeader('X-Ticket', 'T-1001')).resolves.toEqual([uids[1]]);
      await expect(session.findByHeader('X-Ticket', 'T-9999')).resolves.toEqual([]);
    });

    it('fetches raw sources without marking them seen, skipping vanished UIDs', async () => {
      const fetched = await collect(session.fetchSources([uids[2], uids[0], 9_999]));
      expect(fetched.map((m) => [m.uid, m.source.toString()])).toEqual([
        [uids[0], message('jan')],
        [uids[2], message('mar')],
      ]);
      expect(fetched[0].size).toBe(fetched[0].source.length);
      const stored = await dovecot.list(agent.user);
      expect(stored.every((m) => !m.flags.includes('\\Seen'))).toBe(true);
    });

    it('refuses other calls while a fetch iteration is open, and works after it is broken off', async () => {
      for await (const fetched of session.fetchSources(uids)) {
        expect(fetched.uid).toBe(uids[0]);
        await expect(session.folderState()).rejects.toThrow(/fetchSources/);
        break;
      }
      await expect(session.folderState()).resolves.toMatchObject({ exists: 3 });
    });

    it('marks messages seen', async () => {
      await session.markSeen([uids[0]]);
      const stored = await dovecot.list(agent.user);
      expect(stored.find((m) => m.uid === uids[0])?.flags).toContain('\\Seen');
    });

    it('sees mail that arrives while the session is open', async () => {
      const uid = await dovecot.append(agent.user, message('apr'));
      await expect(session.folderState()).resolves.toMatchObject({ uidNext: uid + 1, exists: 4 });
      await expect(session.uidsAbove(uids[2])).resolves.toEqual([uid]);
      uids.push(uid);
    });
  });

  describe('when the server fails mid-session', () => {
    it('classifies a stopped server instead of hanging, and a restarted one works again', async () => {
      const session = await driver.openSession(settings(), options);
      await dovecot.stop();
      try {
        const started = Date.now();
        const error = await mailFailure(session.uidsAbove(0));
        expect(['refused', 'timeout', 'protocol']).toContain(error.reason);
        expect(Date.now() - started).toBeLessThan(options.timeoutMs + 500);
        await session.close();
      } finally {
        await dovecot.start();
      }
      await expect(driver.testConnection(settings(), options)).resolves.toMatchObject({ messages: uids.length });
    });

    it('times out against a hung server, during a fetch and when connecting', async () => {
      const quick = { ...options, timeoutMs: 500 };
      const session = await driver.openSession(settings(), quick);
      dovecot.freeze();
      try {
        const started = Date.now();
        expect((await mailFailure(collect(session.fetchSources(uids)))).reason).toBe('timeout');
        expect((await mailFailure(driver.testConnection(settings(), quick))).reason).toBe('timeout');
        expect(Date.now() - started).toBeLessThan(2_500);
        await session.close();
      } finally {
        dovecot.thaw();
      }
    });
  });
});
