import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';

/** Read and write for the service's own user only: these files hold every tenant's data. */
const OWNER_ONLY = 0o600;

/**
 * Creates the SQLite database file owner-only before SQLite opens it (SQLite gives its WAL and shared
 * memory files the database file's permissions), and narrows the files of an existing install that the
 * umask left readable to others.
 */
export function prepareOwnerOnlySqliteFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', OWNER_ONLY));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(path)) chmodSync(path, OWNER_ONLY);
  }
}
