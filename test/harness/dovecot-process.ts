import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';

const DOVECOT_BINARY = '/usr/sbin/dovecot';
const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
const INSTALL_LOCK = '/tmp/helpdesk-dovecot-install.lock';

/** Process groups of every Dovecot we started; killed if the test process exits without closing them. */
const runningGroups = new Set<number>();
process.once('exit', () => {
  for (const group of runningGroups) killGroup(group, 'SIGKILL');
});

function killGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal);
  } catch {
    // ESRCH: the whole group is already gone
  }
}

/** Installs Dovecot where we may (root on Debian), so a fresh machine can run the e2e specs unattended. */
export function ensureDovecotInstalled(): string {
  if (existsSync(DOVECOT_BINARY)) return DOVECOT_BINARY;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !existsSync('/etc/debian_version')) {
    throw new Error(
      `Dovecot is not installed (${DOVECOT_BINARY} is missing) and cannot be installed automatically here. ` +
        'Install it with: sudo apt-get install -y dovecot-imapd',
    );
  }
  // Spec files start in parallel; the lock lets the first one install while the others wait, then re-check.
  const install = `test -x ${DOVECOT_BINARY} || { apt-get update && apt-get install -y dovecot-imapd; }`;
  try {
    execFileSync('flock', [INSTALL_LOCK, 'sh', '-c', install], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`Installing dovecot-imapd failed: ${stderr || String(err)}`);
  }
  if (!existsSync(DOVECOT_BINARY)) throw new Error(`apt-get installed dovecot-imapd but ${DOVECOT_BINARY} is missing`);
  return DOVECOT_BINARY;
}

/** Resolves once the server sends its IMAP greeting, i.e. the login service really works. */
function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(1_000);
    socket.once('data', (chunk) => {
      socket.destroy();
      resolve(chunk.toString('latin1').startsWith('* OK'));
    });
    socket.once('timeout', () => socket.destroy());
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });
}

function tail(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').slice(-20).join('\n') : '(no file)';
}

/**
 * One Dovecot master in the foreground (-F), in its own process group: stopping it signals the whole
 * group, so open IMAP sessions die with it, the way they do when a real server goes down.
 */
export class DovecotProcess {
  private child: ChildProcess | null = null;

  constructor(
    private readonly binary: string,
    private readonly configPath: string,
    private readonly logPath: string,
    private readonly stderrPath: string,
  ) {}

  get running(): boolean {
    return this.child !== null;
  }

  async start(readinessPort: number): Promise<void> {
    if (this.child) return;
    // Config errors come out on stderr before Dovecot opens its log.
    const stderr = openSync(this.stderrPath, 'a');
    const child = spawn(this.binary, ['-F', '-c', this.configPath], {
      detached: true,
      stdio: ['ignore', 'ignore', stderr],
    });
    closeSync(stderr);
    child.unref();
    this.child = child;
    if (child.pid !== undefined) runningGroups.add(child.pid);
    let exited = false;
    child.once('exit', () => (exited = true));

    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!exited && Date.now() < deadline) {
      if (await greets(readinessPort)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await this.stop();
    throw new Error(
      `Dovecot did not become ready on port ${readinessPort}.\n--- stderr ---\n${tail(this.stderrPath)}` +
        `\n--- log ---\n${tail(this.logPath)}`,
    );
  }

  /** Suspends every Dovecot process: the kernel still accepts connections, but nothing ever answers. */
  freeze(): void {
    if (this.child?.pid !== undefined) killGroup(this.child.pid, 'SIGSTOP');
  }

  thaw(): void {
    if (this.child?.pid !== undefined) killGroup(this.child.pid, 'SIGCONT');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.pid === undefined) return;
    this.child = null;
    const group = child.pid;
    // Keep the event loop alive until the master is reaped (start() unref'd it).
    child.ref();
    let exited = child.exitCode !== null || child.signalCode !== null;
    child.once('exit', () => (exited = true));
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (!exited && Date.now() < deadline) {
      // Repeated, because the master may fork a login process after the first signal (e.g. for a
      // connection that queued up while the server was frozen) and then waits for it to exit.
      killGroup(group, 'SIGTERM');
      // A frozen server (see freeze()) only acts on the SIGTERM once it runs again.
      killGroup(group, 'SIGCONT');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // The master is gone and its listeners with it; kill stragglers still finishing a session.
    killGroup(group, 'SIGKILL');
    runningGroups.delete(group);
  }
}
