import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdir, rename, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { userInfo } from 'node:os';

export interface TestUser {
  user: string;
  password: string;
}

/** Who owns what in a test Dovecot: the mail files, and the passwd-file the auth process reads. */
export interface DovecotIdentity {
  mailUid: number;
  mailGid: number;
  /** The passwd-file's group; Dovecot's auth process runs as `dovecot` and must be able to read it. */
  passwdGid: number;
  unprivilegedUser?: string;
}

/** The colon-separated fields of a passwd or group entry. */
function getent(database: 'passwd' | 'group', name: string): string[] {
  return execFileSync('getent', [database, name], { encoding: 'utf8' }).trim().split(':');
}

export function dovecotIdentity(): DovecotIdentity {
  const uid = process.getuid?.() ?? -1;
  const gid = process.getgid?.() ?? -1;
  if (uid !== 0) return { mailUid: uid, mailGid: gid, passwdGid: gid, unprivilegedUser: userInfo().username };
  // Dovecot never touches mail as root, so mail belongs to nobody.
  const nobody = getent('passwd', 'nobody');
  return { mailUid: Number(nobody[2]), mailGid: Number(nobody[3]), passwdGid: Number(getent('group', 'dovecot')[2]) };
}

/**
 * User names become home directory names and passwd-file fields, so keep them to a safe alphabet; '@'
 * is allowed because OAuth accounts are addresses (the harness appends to them with a password too).
 */
export function assertValidUser({ user, password }: TestUser): void {
  if (!/^[a-z0-9][a-z0-9._+@-]*$/i.test(user)) throw new Error(`Invalid test user name: ${JSON.stringify(user)}`);
  if (/[:\r\n]/.test(password)) throw new Error(`Test passwords may not contain ':' or line breaks (${user})`);
}

/** The directory holding the passwd-files, readable by Dovecot's auth process. */
export async function createUsersDir(path: string, identity: DovecotIdentity): Promise<void> {
  await mkdir(path, { mode: 0o750 });
  if (process.getuid?.() === 0) await chown(path, 0, identity.passwdGid);
}

/**
 * Writes one user's passwd-file, atomically (write, then rename). One file per user because Dovecot
 * stats a passwd-file at most once a second: with a shared file a user added right after someone
 * logged in would stay unknown for up to a second, while a new file is read on its first lookup.
 * Dovecot notices a replaced file by mtime (whole seconds) or size, so a changed password gets a
 * later mtime and we wait out the current second.
 */
export async function writeUserFile(
  dir: string,
  user: TestUser,
  identity: DovecotIdentity,
  replacing: boolean,
): Promise<void> {
  const path = join(dir, user.user);
  const previousMtimeMs = replacing ? (await stat(path)).mtimeMs : undefined;
  const temp = join(dir, `.${user.user}.tmp`);
  await writeFile(temp, `${user.user}:{PLAIN}${user.password}\n`, { mode: 0o640 });
  if (process.getuid?.() === 0) await chown(temp, 0, identity.passwdGid);
  await chmod(temp, 0o640);
  await rename(temp, path);
  if (previousMtimeMs === undefined) return;
  const mtime = Math.max(Date.now(), previousMtimeMs + 1_000) / 1_000;
  await utimes(path, mtime, mtime);
  await new Promise((resolve) => setTimeout(resolve, 1_000 - (Date.now() % 1_000) + 10));
}
