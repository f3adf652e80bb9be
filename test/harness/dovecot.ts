import { ImapFlow } from 'imapflow';
import { execFile } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dovecotPaths, renderDovecotConfig, renderOAuth2Args, type OAuth2Mechanism } from './dovecot-config';
import { DovecotProcess, ensureDovecotInstalled } from './dovecot-process';
import {
  assertValidUser,
  createUsersDir,
  dovecotIdentity,
  writeUserFile,
  type DovecotIdentity,
  type TestUser,
} from './dovecot-users';
import { freePort } from './free-port';
import { createSelfSignedCert } from './self-signed-cert';

export type { TestUser } from './dovecot-users';
export type { OAuth2Mechanism } from './dovecot-config';

export interface DovecotOAuth2Options {
  /** The authorization server's RFC 7662 endpoint, e.g. `TestOAuthServer.introspectionEndpoint`. */
  introspectionUrl: string;
  /** SASL mechanisms offered for tokens; default both. `['xoauth2']` is what Microsoft 365 offers. */
  mechanisms?: OAuth2Mechanism[];
}

export interface StartDovecotOptions {
  users?: TestUser[];
  idle?: boolean;
  /**
   * Also accept OAuth2 access tokens (OAUTHBEARER / XOAUTH2), valid when the introspection endpoint says
   * `active: true` with `username` equal to the login name. No user needs adding for that: any address
   * works. Password logins (PLAIN, LOGIN) keep working for the users added with passwords.
   */
  oauth2?: DovecotOAuth2Options;
  /** IMAP sessions the server must hold at once (a bench's thousand idling mailboxes); see connectionLimits. */
  connections?: number;
}

export interface AppendOptions {
  folder?: string;
  flags?: string[];
  /** IMAP internal date, what SEARCH SINCE looks at. */
  date?: Date;
}

export interface StoredMessage {
  uid: number;
  flags: string[];
  source: Buffer;
}

export interface LoginCounts {
  succeeded: number;
  /** Logins refused (wrong password), as the login process logged them. */
  failed: number;
}

export interface DovecotServer {
  readonly host: string;
  readonly imapPort: number;
  readonly imapsPort: number;
  readonly certPem: string;
  addUser(user: string, password: string): Promise<void>;
  /** Whether the user exists (added at start, by addUser, or by SMTP delivery). */
  hasUser(user: string): boolean;
  /** Stores a message and returns its UID. */
  append(user: string, raw: Buffer | string, opts?: AppendOptions): Promise<number>;
  /** Stores many messages over one connection and returns their UIDs, in order. */
  appendMany(user: string, raws: Array<Buffer | string>, opts?: AppendOptions): Promise<number[]>;
  list(user: string, folder?: string): Promise<StoredMessage[]>;
  createFolder(user: string, name: string): Promise<void>;
  /** Takes the server down (open sessions die, new connections are refused) until start(). */
  stop(): Promise<void>;
  /** Brings a stopped server back on the same ports. */
  start(): Promise<void>;
  /** Makes the server hang: connections are accepted but get no answer, open sessions stall. */
  freeze(): void;
  /** Lets a frozen server carry on where it stopped. */
  thaw(): void;
  /** Disconnects every IMAP session of the user (`doveadm kick`), as an admin or a failover would. */
  kick(user: string): Promise<void>;
  /** Open IMAP sessions per user, as `doveadm who` lists them. */
  sessions(): Promise<Map<string, number>>;
  /** The imap process of each open session per user (a kicked session's process ends with it). */
  sessionProcesses(): Promise<Map<string, number[]>>;
  /** The user's logins so far, from the server's log. */
  logins(user: string): Promise<LoginCounts>;
  /** The SASL mechanism of each successful login of the user, oldest first (e.g. 'PLAIN', 'OAUTHBEARER'). */
  loginMethods(user: string): Promise<string[]>;
  /**
   * loginMethods once at least `count` logins are in the log: Dovecot's log process writes a login's
   * line a moment after the client is in, so a read right after a login may not see it yet.
   */
  loginMethodsAtLeast(user: string, count: number): Promise<string[]>;
  /** Stops the server and deletes its files. */
  close(): Promise<void>;
}

const DOVEADM = '/usr/bin/doveadm';
const run = promisify(execFile);

class TestDovecot implements DovecotServer {
  readonly host = '127.0.0.1';
  private readonly users = new Map<string, string>();
  /** Serializes passwd-file writes, so two callers adding the same user cannot interleave. */
  private userWrites: Promise<void> = Promise.resolve();

  constructor(
    readonly imapPort: number,
    readonly imapsPort: number,
    readonly certPem: string,
    private readonly dir: string,
    private readonly usersDir: string,
    private readonly identity: DovecotIdentity,
    private readonly daemon: DovecotProcess,
  ) {}

  addUser(user: string, password: string): Promise<void> {
    assertValidUser({ user, password });
    const write = this.userWrites.then(async () => {
      const previous = this.users.get(user);
      if (previous === password) return;
      await writeUserFile(this.usersDir, { user, password }, this.identity, previous !== undefined);
      this.users.set(user, password);
    });
    this.userWrites = write.catch(() => undefined);
    return write;
  }

  hasUser(user: string): boolean {
    return this.users.has(user);
  }

  async append(user: string, raw: Buffer | string, opts: AppendOptions = {}): Promise<number> {
    const [uid] = await this.appendMany(user, [raw], opts);
    return uid;
  }

  appendMany(user: string, raws: Array<Buffer | string>, opts: AppendOptions = {}): Promise<number[]> {
    return this.withClient(user, async (client) => {
      const uids: number[] = [];
      for (const raw of raws) {
        const result = await client.append(opts.folder ?? 'INBOX', raw, opts.flags ?? [], opts.date);
        if (!result || result.uid === undefined) throw new Error(`APPEND for ${user} returned no UID`);
        uids.push(result.uid);
      }
      return uids;
    });
  }

  list(user: string, folder = 'INBOX'): Promise<StoredMessage[]> {
    return this.withClient(user, async (client) => {
      // Read-only, so listing never changes flags.
      await client.mailboxOpen(folder, { readOnly: true });
      const messages = await client.fetchAll('1:*', { uid: true, flags: true, source: true });
      return messages.map((message) => ({
        uid: message.uid,
        // \Recent belongs to the session that saw the message first, not to the message.
        flags: [...(message.flags ?? [])].filter((flag) => flag !== '\\Recent'),
        source: message.source ?? Buffer.alloc(0),
      }));
    });
  }

  async createFolder(user: string, name: string): Promise<void> {
    await this.withClient(user, (client) => client.mailboxCreate(name));
  }

  stop(): Promise<void> {
    return this.daemon.stop();
  }

  start(): Promise<void> {
    return this.daemon.start(this.imapPort);
  }

  freeze(): void {
    this.daemon.freeze();
  }

  thaw(): void {
    this.daemon.thaw();
  }

  async kick(user: string): Promise<void> {
    await run(DOVEADM, ['-c', dovecotPaths(this.dir).config, 'kick', user]);
  }

  async sessions(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const [user, pids] of await this.sessionProcesses()) counts.set(user, pids.length);
    return counts;
  }

  async sessionProcesses(): Promise<Map<string, number[]>> {
    // One line per connection: "user proto pid ip" (-1); a header line first.
    const { stdout } = await run(DOVEADM, ['-c', dovecotPaths(this.dir).config, 'who', '-1']);
    const processes = new Map<string, number[]>();
    for (const line of stdout.split('\n').slice(1)) {
      const [user, proto, pid] = line.trim().split(/\s+/);
      if (user && proto === 'imap') processes.set(user, [...(processes.get(user) ?? []), Number(pid)]);
    }
    return processes;
  }

  async logins(user: string): Promise<LoginCounts> {
    const lines = await this.loginLines(user);
    return {
      succeeded: lines.filter((line) => /imap-login: (Info: )?Login:/.test(line)).length,
      failed: lines.filter((line) => /auth failed/i.test(line)).length,
    };
  }

  async loginMethods(user: string): Promise<string[]> {
    const lines = await this.loginLines(user);
    return lines
      .filter((line) => /imap-login: (Info: )?Login:/.test(line))
      .map((line) => /method=([A-Z0-9-]+)/.exec(line)?.[1] ?? 'unknown');
  }

  async loginMethodsAtLeast(user: string, count: number): Promise<string[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const methods = await this.loginMethods(user);
      if (methods.length >= count || Date.now() > deadline) return methods;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The login process's log lines about the user. */
  private async loginLines(user: string): Promise<string[]> {
    const log = await readFile(dovecotPaths(this.dir).log, 'utf8').catch(() => '');
    return log.split('\n').filter((line) => line.includes('imap-login:') && line.includes(`user=<${user}>`));
  }

  async close(): Promise<void> {
    await this.daemon.stop();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** The harness's own IMAP access: plain loopback, no STARTTLS (nothing to protect, nothing to verify). */
  private async withClient<T>(user: string, work: (client: ImapFlow) => Promise<T>): Promise<T> {
    const pass = this.users.get(user);
    if (pass === undefined) throw new Error(`No test user ${user}; add it with addUser() first`);
    const client = new ImapFlow({
      host: this.host,
      port: this.imapPort,
      secure: false,
      doSTARTTLS: false,
      auth: { user, pass },
      logger: false,
      disableAutoIdle: true,
    });
    // A test that stops the server mid-call must see a rejected promise, not an uncaught 'error' event.
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.logout().catch(() => client.close());
    }
  }
}

async function twoFreePorts(): Promise<[number, number]> {
  const first = await freePort();
  let second = await freePort();
  while (second === first) second = await freePort();
  return [first, second];
}

/**
 * A private Dovecot on loopback: plain IMAP with optional STARTTLS on `imapPort`, implicit TLS on
 * `imapsPort`, users from a passwd-file, Maildir storage, all inside one temp directory.
 */
export async function startDovecot(opts: StartDovecotOptions = {}): Promise<DovecotServer> {
  const binary = ensureDovecotInstalled();
  const dir = await mkdtemp(join(tmpdir(), 'helpdesk-dovecot-'));
  try {
    // Dovecot's unprivileged processes must be able to walk into it (mkdtemp makes it 0700).
    await chmod(dir, 0o755);
    const paths = dovecotPaths(dir);
    const identity = dovecotIdentity();
    await Promise.all([mkdir(paths.baseDir), mkdir(paths.stateDir), mkdir(paths.mailRoot)]);
    if (process.getuid?.() === 0) await chown(paths.mailRoot, identity.mailUid, identity.mailGid);
    const cert = await createSelfSignedCert(dir);
    const [imapPort, imapsPort] = await twoFreePorts();
    const usersDir = join(dir, 'users');
    await createUsersDir(usersDir, identity);
    const { certPath, keyPath } = cert;
    const oauth2 = opts.oauth2
      ? { argsPath: paths.oauth2Args, mechanisms: opts.oauth2.mechanisms ?? ['oauthbearer', 'xoauth2'] }
      : undefined;
    if (opts.oauth2) await writeFile(paths.oauth2Args, renderOAuth2Args(opts.oauth2.introspectionUrl));
    await writeFile(
      paths.config,
      renderDovecotConfig({
        dir,
        imapPort,
        imapsPort,
        usersDir,
        certPath,
        keyPath,
        idle: opts.idle,
        oauth2,
        connections: opts.connections,
        ...identity,
      }),
    );
    const dovecotProcess = new DovecotProcess(binary, paths.config, paths.log, join(dir, 'dovecot.stderr'));
    const server = new TestDovecot(imapPort, imapsPort, cert.certPem, dir, usersDir, identity, dovecotProcess);
    for (const { user, password } of opts.users ?? []) await server.addUser(user, password);
    await server.start();
    return server;
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
