import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SMTPServer,
  type SMTPServerAuthentication,
  type SMTPServerDataStream,
  type SMTPServerOptions,
  type SMTPServerSession,
} from 'smtp-server';
import type { DovecotServer, TestUser } from './dovecot';
import { createSelfSignedCert } from './self-signed-cert';

/** A reply to send instead of accepting the message, e.g. 451 (try later) or 550 (never). */
export interface SmtpRejection {
  code: number;
  message: string;
}

export interface ReceivedMessage {
  envelope: { from: string; to: string[] };
  authUser: string | null;
  /** The message exactly as the client sent it. */
  raw: Buffer;
  secure: boolean;
  receivedAt: Date;
}

/** A login attempt as the server saw it, accepted or not: what a hostile server would capture. */
export interface AuthAttempt {
  method: string;
  username: string | undefined;
  password: string | null | undefined;
  /** The bearer token of an XOAUTH2 attempt. */
  accessToken?: string;
  accepted: boolean;
}

export interface TestSmtpServerOptions {
  /** Default 'none' (AUTH not offered). Passwords are only accepted over TLS unless `tls` is 'none'. */
  auth?: 'required' | 'optional' | 'none';
  users?: TestUser[];
  /** Default 'starttls'; every mode uses a self-signed certificate (see `certPem`). */
  tls?: 'starttls' | 'implicit' | 'none';
  /** Deliver accepted mail into this Dovecot: INBOX of the recipient's local part, created when missing. */
  deliverTo?: DovecotServer;
  rejectWith?: SmtpRejection | null;
  /**
   * Also offer AUTH XOAUTH2, a token being valid when this RFC 7662 endpoint (e.g.
   * `TestOAuthServer.introspectionEndpoint`) says `active: true` for the same username. A refused token
   * gets what Gmail and Microsoft answer: 334 with the base64 JSON error, then 535 after the client's
   * empty line.
   */
  oauth2?: { introspectionUrl: string };
}

export interface TestSmtpServer {
  readonly host: string;
  readonly port: number;
  readonly certPem: string;
  /** Accepted messages, oldest first (rejected ones are not recorded). */
  readonly messages: ReceivedMessage[];
  /** Every AUTH the server received, oldest first, including refused ones. */
  readonly authAttempts: AuthAttempt[];
  /** Set at any time to make the next messages fail at the end of DATA; null accepts again. */
  rejectWith: SmtpRejection | null;
  /**
   * While true, a message is read to its end and never answered: a send stuck at the last step. The
   * answer never comes for those (false only lets later messages through); they are listed in `held`.
   */
  hold: boolean;
  readonly held: Buffer[];
  waitFor(predicate: (message: ReceivedMessage) => boolean, timeoutMs?: number): Promise<ReceivedMessage>;
  /** Takes the server down: open sessions get 421, new connections are refused. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Password of Dovecot users created on first delivery; the harness logs in as them via `list()`. */
export const AUTO_USER_PASSWORD = 'delivered-mail';

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/** What Gmail answers for a bad token (Microsoft's is alike); the client then sends an empty line. */
const XOAUTH2_INVALID_TOKEN = { status: '401', schemes: 'bearer', scope: 'https://mail.google.com/' };

/** Asks the authorization server whether `token` is active and belongs to `username`. */
async function tokenIsFor(introspectionUrl: string, token: string | undefined, username: string | undefined) {
  if (!token || !username) return false;
  const response = await fetch(introspectionUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }),
  });
  if (!response.ok) throw new Error(`introspection answered ${response.status}`);
  const body = (await response.json()) as { active?: unknown; username?: unknown };
  return body.active === true && body.username === username;
}

function readAll(stream: SMTPServerDataStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('error', reject);
    stream.once('end', () => resolve(Buffer.concat(chunks)));
  });
}

class TestSmtp implements TestSmtpServer {
  readonly host = '127.0.0.1';
  readonly messages: ReceivedMessage[] = [];
  readonly authAttempts: AuthAttempt[] = [];
  rejectWith: SmtpRejection | null;
  hold = false;
  readonly held: Buffer[] = [];
  /** 0 until the first start() lets the kernel pick; kept afterwards, so a restart reuses it. */
  private listenPort = 0;
  private server: SMTPServer | null = null;
  private readonly arrivals = new EventEmitter();
  private readonly users: Map<string, string>;

  constructor(
    private readonly opts: TestSmtpServerOptions,
    readonly certPem: string,
    private readonly keyPem: string,
  ) {
    this.rejectWith = opts.rejectWith ?? null;
    this.users = new Map((opts.users ?? []).map(({ user, password }) => [user, password]));
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = new SMTPServer(this.serverOptions());
    // Clients that give up mid-handshake (e.g. rejecting our self-signed certificate) are what the tests
    // provoke; without a listener each one would be an uncaught 'error' event.
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(this.listenPort, this.host, () => resolve());
    });
    const address = server.server.address();
    this.listenPort = typeof address === 'object' && address !== null ? address.port : this.listenPort;
    this.server = server;
  }

  get port(): number {
    return this.listenPort;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  close(): Promise<void> {
    return this.stop();
  }

  waitFor(predicate: (message: ReceivedMessage) => boolean, timeoutMs = 5_000): Promise<ReceivedMessage> {
    const found = this.messages.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const onMessage = (message: ReceivedMessage) => {
        if (!predicate(message)) return;
        clearTimeout(timer);
        this.arrivals.off('message', onMessage);
        resolve(message);
      };
      const timer = setTimeout(() => {
        this.arrivals.off('message', onMessage);
        reject(new Error(`No matching message within ${timeoutMs} ms (${this.messages.length} received)`));
      }, timeoutMs);
      this.arrivals.on('message', onMessage);
    });
  }

  private serverOptions(): SMTPServerOptions {
    const tls = this.opts.tls ?? 'starttls';
    const auth = this.opts.auth ?? 'none';
    const disabledCommands = [...(tls === 'none' ? ['STARTTLS'] : []), ...(auth === 'none' ? ['AUTH'] : [])];
    return {
      secure: tls === 'implicit',
      key: this.keyPem,
      cert: this.certPem,
      name: 'localhost',
      disabledCommands,
      authOptional: auth !== 'required',
      // Like real servers, refuse passwords in clear text when TLS is on offer.
      allowInsecureAuth: tls === 'none',
      disableReverseLookup: true,
      logger: false,
      // stop() simulates an outage: do not wait the default 30 s for clients to finish.
      closeTimeout: 50,
      ...(this.opts.oauth2 ? { authMethods: ['PLAIN', 'LOGIN', 'XOAUTH2'] } : {}),
      onAuth: (auth, _session, callback) => {
        this.authenticates(auth).then(
          (accepted) => {
            const { method, username, password, accessToken } = auth;
            this.authAttempts.push({ method, username, password, accessToken, accepted });
            if (accepted) callback(null, { user: auth.username });
            else if (method === 'XOAUTH2') callback(null, { data: XOAUTH2_INVALID_TOKEN });
            else callback(smtpError(535, 'Authentication credentials invalid'));
          },
          (err: Error) => callback(smtpError(454, `Temporary authentication failure: ${err.message}`)),
        );
      },
      onData: (stream, session, callback) => {
        this.receive(stream, session).then(
          () => callback(),
          (err: Error) => callback(err),
        );
      },
    };
  }

  private async authenticates(auth: SMTPServerAuthentication): Promise<boolean> {
    if (auth.method === 'XOAUTH2') {
      const introspectionUrl = this.opts.oauth2?.introspectionUrl;
      return introspectionUrl !== undefined && tokenIsFor(introspectionUrl, auth.accessToken, auth.username);
    }
    const expected = auth.username === undefined ? undefined : this.users.get(auth.username);
    return expected !== undefined && expected === auth.password;
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const raw = await readAll(stream);
    if (this.hold) {
      this.held.push(raw);
      await new Promise<never>(() => undefined);
    }
    if (this.rejectWith) throw smtpError(this.rejectWith.code, this.rejectWith.message);
    const { mailFrom, rcptTo } = session.envelope;
    const message: ReceivedMessage = {
      envelope: { from: mailFrom ? mailFrom.address : '', to: rcptTo.map((rcpt) => rcpt.address) },
      authUser: typeof session.user === 'string' ? session.user : null,
      raw,
      secure: session.secure,
      receivedAt: new Date(),
    };
    if (this.opts.deliverTo) {
      // Accept only once it is stored, so a test can read the mailbox as soon as the client is done.
      await this.deliver(this.opts.deliverTo, message).catch((err: Error) => {
        throw smtpError(451, `Local delivery failed: ${err.message}`);
      });
    }
    this.messages.push(message);
    this.arrivals.emit('message', message);
  }

  private async deliver(dovecot: DovecotServer, message: ReceivedMessage): Promise<void> {
    for (const recipient of message.envelope.to) {
      const user = recipient.split('@')[0].toLowerCase();
      // A fixed password, so two messages racing to create the same user agree on it.
      if (!dovecot.hasUser(user)) await dovecot.addUser(user, AUTO_USER_PASSWORD);
      // What a real MTA adds on final delivery; the rest stays byte for byte as received.
      await dovecot.append(user, Buffer.concat([Buffer.from(`Delivered-To: ${recipient}\r\n`), message.raw]));
    }
  }
}

/** A scriptable SMTP server on loopback with its own self-signed certificate (CN=localhost, IP 127.0.0.1). */
export async function startSmtpServer(opts: TestSmtpServerOptions = {}): Promise<TestSmtpServer> {
  const dir = await mkdtemp(join(tmpdir(), 'helpdesk-smtp-'));
  try {
    const { certPem, keyPem } = await createSelfSignedCert(dir);
    const server = new TestSmtp(opts, certPem, keyPem);
    await server.start();
    return server;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
