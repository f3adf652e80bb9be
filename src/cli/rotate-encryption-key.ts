import 'reflect-metadata';
import { rmSync } from 'node:fs';
import {
  commitKeyFile,
  decodeEncryptionKey,
  encodeEncryptionKey,
  ENCRYPTION_KEY_FILE,
  generateEncryptionKey,
  prepareKeyFile,
  readKeyFile,
} from '../common/crypto/encryption-key';
import { rotateSecrets, type RotationResult } from '../common/crypto/rotate-secrets';
import { SecretBox, SecretUnreadableError } from '../common/crypto/secret-box';
import type { SecretColumn } from '../common/crypto/secret-column';
import type { AppConfig } from '../config/app-config';
import { ConfigError, parseConfig } from '../config/parse-config';
import { readEnvironment } from '../config/read-environment';
import { buildDataSourceOptions } from '../database/data-source-options';
import { newDataSource } from '../database/new-data-source';
import { checkOf } from '../database/secret-checks';
import { SecretChecksRepository } from '../database/secret-checks.repository';
import { OAUTH_SECRET_COLUMNS } from '../oauth/oauth-secrets';
import { EMAIL_SETTINGS_SECRET_COLUMNS } from '../settings/email-settings-secrets';

/** Every column holding sealed secrets; a module that stores secrets adds its columns here. */
const SECRET_COLUMNS: readonly SecretColumn[] = [...EMAIL_SETTINGS_SECRET_COLUMNS, ...OAUTH_SECRET_COLUMNS];

const USAGE = `Re-encrypts every stored secret under a new key, in one transaction.

Usage: node dist/src/cli/rotate-encryption-key.js (--new-key <base64> | --generate)

The current key is ENCRYPTION_KEY, or DATA_DIR/${ENCRYPTION_KEY_FILE} when that is not set; the database is
DATABASE_URL or the SQLite file in DATA_DIR (the same environment and .env the server reads).
NEW_ENCRYPTION_KEY may stand in for --new-key, to keep the key out of the process list.
Stop the server first and start it again with the new key afterwards: a running server keeps the old one.`;

class UsageError extends Error {}

function newKeyFrom(args: string[], env: Record<string, string | undefined>): { key: Buffer; generated: boolean } {
  if (args.includes('--generate')) return { key: generateEncryptionKey(), generated: true };
  const index = args.indexOf('--new-key');
  const value = index >= 0 ? args[index + 1] : env.NEW_ENCRYPTION_KEY;
  if (!value) throw new UsageError('Give the new key with --new-key <base64>, NEW_ENCRYPTION_KEY, or use --generate.');
  try {
    return { key: decodeEncryptionKey(value), generated: false };
  } catch (err) {
    throw new UsageError(`The new key ${(err as Error).message}.`);
  }
}

function currentKey(config: AppConfig): { key: Buffer; fromFile: boolean } {
  if (config.encryptionKey) return { key: config.encryptionKey, fromFile: false };
  const key = readKeyFile(config.dataDir);
  if (!key)
    throw new UsageError(`ENCRYPTION_KEY is not set and ${config.dataDir}/${ENCRYPTION_KEY_FILE} does not exist.`);
  return { key, fromFile: true };
}

async function main(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const env = readEnvironment();
  const config = parseConfig(env);
  const current = currentKey(config);
  const next = newKeyFrom(args, env);
  const from = new SecretBox(current.key);
  const to = new SecretBox(next.key);
  if (from.keyId === to.keyId) throw new UsageError('The new key is the current key.');

  // Written before the database changes, so the new key is on disk whatever happens after the commit.
  const pendingFile = current.fromFile ? prepareKeyFile(config.dataDir, next.key) : null;
  const dataSource = newDataSource(buildDataSourceOptions(config));
  let result: RotationResult;
  try {
    await dataSource.initialize();
    result = await dataSource.transaction(async (manager) => {
      const rotated = await rotateSecrets(manager, SECRET_COLUMNS, from, to);
      // Instances then boot only with the new key (see verifySecrets).
      await SecretChecksRepository.replace(manager, checkOf({ variable: 'ENCRYPTION_KEY', key: next.key }));
      return rotated;
    });
  } catch (err) {
    // Nothing changed in the database, so the current key stays the key.
    if (pendingFile) rmSync(pendingFile, { force: true });
    throw err;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
  process.stdout.write(
    `Re-encrypted ${result.rotated} secret(s) from key ${from.keyId} to key ${to.keyId}` +
      (result.skipped > 0 ? ` (${result.skipped} already under the new key)` : '') +
      '.\n',
  );
  if (pendingFile) {
    commitKeyFile(config.dataDir, pendingFile);
    process.stdout.write(`Wrote the new key to ${config.dataDir}/${ENCRYPTION_KEY_FILE}. Start the server again.\n`);
  } else {
    const shown = next.generated ? `ENCRYPTION_KEY=${encodeEncryptionKey(next.key)}` : 'ENCRYPTION_KEY to the new key';
    process.stdout.write(`Now set ${shown} and start the server again.\n`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const known = err instanceof UsageError || err instanceof ConfigError || err instanceof SecretUnreadableError;
  process.stderr.write(known ? `${(err as Error).message}\n` : `${(err as Error).stack ?? String(err)}\n`);
  if (err instanceof UsageError) process.stderr.write(`\n${USAGE}\n`);
  process.exitCode = 1;
});
