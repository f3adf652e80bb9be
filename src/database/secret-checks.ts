import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { keyIdOf } from '../common/crypto/secret-box';
import type { SecretSource } from '../config/secret-sources';
import { SecretChecksRepository, type SecretCheck } from './secret-checks.repository';

/** An instance whose secrets are not the ones the database was first used with. */
export class SecretMismatchError extends Error {
  override readonly name = 'SecretMismatchError';
}

/**
 * A secret's check: a short key id to name it in messages (the encryption key's is the one sealed
 * values carry) and an HMAC of a fixed text under the secret. Neither gives the secret away.
 */
export function checkOf(source: Pick<SecretSource, 'variable' | 'key'>): SecretCheck {
  const keyId =
    source.variable === 'ENCRYPTION_KEY'
      ? keyIdOf(source.key)
      : createHash('sha256')
          .update(`helpdesk-mail key id\0${source.variable}\0`)
          .update(source.key)
          .digest('hex')
          .slice(0, 12);
  const canary = createHmac('sha256', source.key)
    .update(`helpdesk-mail secret check\0${source.variable}`)
    .digest('hex');
  return { name: source.variable, keyId, canary };
}

function sameCheck(a: SecretCheck, b: SecretCheck): boolean {
  return timingSafeEqual(Buffer.from(a.canary, 'hex'), Buffer.from(b.canary, 'hex'));
}

/**
 * Compares this instance's secrets with the checks the database keeps, recording those it has none of
 * (the first instance to use the database with them). Throws SecretMismatchError naming every secret
 * that differs: two instances with different secrets would otherwise run for minutes, and then fail
 * every send ("A stored secret was encrypted with key …") or every login on the other instance.
 */
export async function verifySecrets(dataSource: DataSource, sources: SecretSource[]): Promise<void> {
  const own = sources.map((source) => ({ source, check: checkOf(source) }));
  const stored = await dataSource.transaction(async (manager) => {
    await SecretChecksRepository.recordMissing(
      manager,
      own.map(({ check }) => check),
    );
    return SecretChecksRepository.list(manager);
  });
  const problems: string[] = [];
  for (const { source, check } of own) {
    const first = stored.find((row) => row.name === check.name);
    if (!first || sameCheck(first, check)) continue;
    problems.push(
      `${source.variable} is not the one this database was first used with (key id ${first.keyId} there, ` +
        `${check.keyId} here)` +
        (source.generatedInto
          ? `: it is not set, and the value generated into ${source.generatedInto} is this instance's own`
          : ''),
    );
  }
  if (problems.length === 0) return;
  const names = own
    .filter(({ check }) => problems.some((p) => p.startsWith(check.name)))
    .map(({ source }) => source.variable);
  throw new SecretMismatchError(
    `Refusing to start: ${problems.join('; ')}. Every instance on one database needs the same ${names.join(', ')}: ` +
      "set them to the first instance's values (its environment, or the files it generated into its DATA_DIR). " +
      'An encryption key is changed with `npm run rotate-key`; to change JWT_SECRET or MESSAGE_ID_SECRET on purpose ' +
      '(old tokens, or replies to mail sent before, stop working), stop every instance and run ' +
      '`npm run accept-secrets`.',
  );
}
