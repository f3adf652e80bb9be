import 'reflect-metadata';
import { ConfigError, parseConfig } from '../config/parse-config';
import { readEnvironment } from '../config/read-environment';
import { secretSources } from '../config/secret-sources';
import { buildDataSourceOptions } from '../database/data-source-options';
import { newDataSource } from '../database/new-data-source';
import { checkOf } from '../database/secret-checks';
import { SecretChecksRepository } from '../database/secret-checks.repository';

const USAGE = `Makes this environment's JWT_SECRET and MESSAGE_ID_SECRET the ones the database expects.

Usage: node dist/src/cli/accept-secrets.js

For a deliberate change of those secrets (tokens signed with the old JWT_SECRET stop working; replies to
mail signed with the old MESSAGE_ID_SECRET thread by subject token only). Stop every instance first, and
start them all with the new values. ENCRYPTION_KEY is changed with rotate-key, which re-encrypts what is
stored under it.`;

async function main(args: string[]): Promise<void> {
  if (args.length > 0) {
    process.stdout.write(`${USAGE}\n`);
    if (!args.includes('--help') && !args.includes('-h')) process.exitCode = 1;
    return;
  }
  const config = parseConfig(readEnvironment());
  const sources = secretSources(config).filter((source) => source.variable !== 'ENCRYPTION_KEY');
  const dataSource = newDataSource(buildDataSourceOptions(config));
  try {
    await dataSource.initialize();
    await dataSource.transaction(async (manager) => {
      for (const source of sources) await SecretChecksRepository.replace(manager, checkOf(source));
    });
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
  const named = sources.map((source) => `${source.variable} (key id ${checkOf(source).keyId})`);
  process.stdout.write(`The database now expects ${named.join(' and ')}.\n`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(err instanceof ConfigError ? `${err.message}\n` : `${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
