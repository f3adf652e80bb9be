import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { connect } from 'node:net';
import nodemailer from 'nodemailer';
import { startMailSystem, type MailSystem } from './mail-system';
import { startSmtpServer } from './smtp-server';

const alice = { user: 'alice', password: 'alice-secret' };

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('test mail harness', () => {
  let mail: MailSystem;

  beforeAll(async () => {
    mail = await startMailSystem({ users: [alice] });
  });

  afterAll(async () => {
    await mail?.close();
  });

  /** Logs in the way a client configured for `mode` would, trusting the harness certificate. */
  async function login(mode: 'plain' | 'starttls' | 'tls', user = alice.user, pass = alice.password) {
    const options: ImapFlowOptions = {
      host: mail.dovecot.host,
      port: mode === 'tls' ? mail.dovecot.imapsPort : mail.dovecot.imapPort,
      secure: mode === 'tls',
      doSTARTTLS: mode === 'starttls' ? true : mode === 'plain' ? false : undefined,
      servername: 'localhost',
      tls: { ca: mail.dovecot.certPem },
      auth: { user, pass },
      logger: false,
    };
    const client = new ImapFlow(options);
    await client.connect();
    const secure = client.secureConnection;
    await client.logout();
    return secure;
  }

  it('accepts IMAP logins over plain, STARTTLS and implicit TLS', async () => {
    await expect(login('plain')).resolves.toBe(false);
    await expect(login('starttls')).resolves.toBe(true);
    await expect(login('tls')).resolves.toBe(true);
    await expect(login('plain', alice.user, 'wrong')).rejects.toMatchObject({ authenticationFailed: true });
  });

  it('adds users and changes passwords while running', async () => {
    await mail.dovecot.addUser('carol', 'carol-secret');
    await expect(login('plain', 'carol', 'carol-secret')).resolves.toBe(false);
    await mail.dovecot.addUser('carol', 'carol-new');
    await expect(login('plain', 'carol', 'carol-secret')).rejects.toMatchObject({ authenticationFailed: true });
    await expect(login('plain', 'carol', 'carol-new')).resolves.toBe(false);
  });

  it('appends and lists messages with flags, dates and folders', async () => {
    const uid = await mail.dovecot.append(alice.user, 'Subject: one\r\n\r\nfirst\r\n', {
      flags: ['\\Flagged'],
      date: new Date('2024-03-01T10:00:00Z'),
    });
    await mail.dovecot.createFolder(alice.user, 'Archive');
    const uids = await mail.dovecot.appendMany(
      alice.user,
      ['Subject: two\r\n\r\n2\r\n', Buffer.from('Subject: three\r\n\r\n3\r\n')],
      { folder: 'Archive' },
    );
    expect(uids).toEqual([1, 2]);

    const inbox = await mail.dovecot.list(alice.user);
    expect(inbox).toEqual([{ uid, flags: ['\\Flagged'], source: Buffer.from('Subject: one\r\n\r\nfirst\r\n') }]);
    const archive = await mail.dovecot.list(alice.user, 'Archive');
    expect(archive.map((m) => m.source.toString())).toEqual([
      'Subject: two\r\n\r\n2\r\n',
      'Subject: three\r\n\r\n3\r\n',
    ]);
  });

  it('delivers mail sent with nodemailer (AUTH after STARTTLS) into the Dovecot INBOX', async () => {
    const transport = nodemailer.createTransport({
      host: mail.smtp.host,
      port: mail.smtp.port,
      requireTLS: true,
      tls: { ca: mail.smtp.certPem, servername: 'localhost' },
      auth: { user: alice.user, pass: alice.password },
      logger: false,
    });
    const info = await transport.sendMail({
      from: 'alice@example.test',
      to: 'Dave@example.test',
      subject: 'Hello Dave',
      text: 'Delivered through the harness',
    });
    transport.close();
    expect(info.rejected).toEqual([]);

    const received = await mail.smtp.waitFor((m) => m.envelope.to.includes('Dave@example.test'));
    expect(received).toMatchObject({ authUser: 'alice', secure: true, envelope: { from: 'alice@example.test' } });
    const [stored] = await mail.dovecot.list('dave');
    expect(stored.source.toString()).toMatch(/^Delivered-To: Dave@example\.test\r\n/);
    expect(stored.source.subarray(stored.source.indexOf('\r\n') + 2)).toEqual(received.raw);
  });

  it('stop() refuses connections and start() brings both servers back on the same ports', async () => {
    await mail.dovecot.stop();
    await mail.smtp.stop();
    expect(await canConnect(mail.dovecot.imapPort)).toBe(false);
    expect(await canConnect(mail.dovecot.imapsPort)).toBe(false);
    expect(await canConnect(mail.smtp.port)).toBe(false);

    await mail.dovecot.start();
    await mail.smtp.start();
    await expect(login('plain')).resolves.toBe(false);
    expect(await canConnect(mail.smtp.port)).toBe(true);
  });

  it('rejectWith makes the SMTP server answer DATA with that code', async () => {
    const smtp = await startSmtpServer({ tls: 'none', rejectWith: { code: 451, message: 'Try again later' } });
    try {
      const transport = nodemailer.createTransport({ host: smtp.host, port: smtp.port, logger: false });
      const send = () => transport.sendMail({ from: 'a@example.test', to: 'b@example.test', text: 'x' });
      await expect(send()).rejects.toMatchObject({ responseCode: 451 });
      smtp.rejectWith = null;
      await expect(send()).resolves.toMatchObject({ accepted: ['b@example.test'] });
      expect(smtp.messages).toHaveLength(1);
      transport.close();
    } finally {
      await smtp.close();
    }
  });
});
