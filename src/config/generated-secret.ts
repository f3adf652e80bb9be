import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Files this process generated: every caller learns it created them (one of them warns). */
const createdHere = new Set<string>();

/**
 * Returns the secret stored in `dataDir/name`, creating it (random, owner-only file) on first use.
 * `created` lets the caller warn once that production should set the secret explicitly.
 */
export function loadOrCreateSecret(dataDir: string, name: string, bytes = 32): { value: string; created: boolean } {
  const file = join(dataDir, name);
  if (existsSync(file)) return { value: readFileSync(file, 'utf8').trim(), created: createdHere.has(file) };
  mkdirSync(dataDir, { recursive: true });
  const value = randomBytes(bytes).toString('base64url');
  writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  createdHere.add(file);
  return { value, created: true };
}
