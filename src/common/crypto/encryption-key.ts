import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The injection token of the 32-byte key (a Buffer) that seals stored secrets. Common defines it and
 * the config module provides it (`config/encryption-key-provider.ts`), so crypto never reads config.
 */
export const ENCRYPTION_KEY = Symbol('ENCRYPTION_KEY');

/** The file in DATA_DIR holding the generated key when ENCRYPTION_KEY is not set. */
export const ENCRYPTION_KEY_FILE = 'encryption-key';
export const ENCRYPTION_KEY_BYTES = 32;

/**
 * Decodes a key given as base64 (standard or URL-safe, padding optional) and insists on exactly 32 bytes.
 * The error message never repeats the value: it is a secret.
 */
export function decodeEncryptionKey(value: string): Buffer {
  const text = value.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    throw new Error('must be base64, e.g. the output of `openssl rand -base64 32`');
  }
  const key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key.length !== ENCRYPTION_KEY_BYTES) {
    throw new Error(
      `must decode to ${ENCRYPTION_KEY_BYTES} bytes, e.g. the output of \`openssl rand -base64 32\` (got ${key.length})`,
    );
  }
  return key;
}

export function generateEncryptionKey(): Buffer {
  return randomBytes(ENCRYPTION_KEY_BYTES);
}

export function encodeEncryptionKey(key: Buffer): string {
  return key.toString('base64');
}

/** Decodes the key file's content; the error names the file. */
export function decodeKeyFile(dataDir: string, content: string): Buffer {
  try {
    return decodeEncryptionKey(content);
  } catch (err) {
    throw new Error(`${join(dataDir, ENCRYPTION_KEY_FILE)} ${(err as Error).message}`);
  }
}

/** The generated key in `dataDir`, or null when there is none yet (never creates one). */
export function readKeyFile(dataDir: string): Buffer | null {
  const file = join(dataDir, ENCRYPTION_KEY_FILE);
  return existsSync(file) ? decodeKeyFile(dataDir, readFileSync(file, 'utf8')) : null;
}

/**
 * Replaces the key file in one step (write a sibling, then rename), so a crash never leaves a half-written
 * key. `prepareKeyFile` writes the sibling ahead of time; `commitKeyFile` renames it into place.
 */
export function prepareKeyFile(dataDir: string, key: Buffer): string {
  const pending = join(dataDir, `${ENCRYPTION_KEY_FILE}.new`);
  writeFileSync(pending, `${encodeEncryptionKey(key)}\n`, { mode: 0o600 });
  return pending;
}

export function commitKeyFile(dataDir: string, pending: string): void {
  renameSync(pending, join(dataDir, ENCRYPTION_KEY_FILE));
}
