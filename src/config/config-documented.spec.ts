import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Env, parseConfig } from './parse-config';

/** Read by the schema but meant for the test suite only, so documented for no one. */
const TEST_ONLY = new Set(['SYNC_TEST_WORKER_HOOK']);

/** The project root: the nearest folder above this file with a package.json (the spec runs from dist/). */
function projectRoot(): string {
  let folder = __dirname;
  while (!existsSync(join(folder, 'package.json'))) folder = dirname(folder);
  return folder;
}

/** Every variable the schema reads, found by parsing with environments that record what is asked of them. */
function variablesRead(): Set<string> {
  const names = new Set<string>();
  const recording = (values: Env): Env =>
    new Proxy(values, {
      get: (target, name) => {
        if (typeof name === 'string') names.add(name);
        return target[name as string];
      },
    });
  // Some variables are read only on one database, or only when another is set.
  parseConfig(recording({}), '/srv');
  parseConfig(recording({ DATABASE_URL: 'postgres://helpdesk@db/helpdesk', NODE_ENV: 'production' }), '/srv');
  return names;
}

/** Names in `.env.example`, set or commented out (`NAME=` or `# NAME=`). */
function envExampleNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const match = /^#?\s*([A-Z][A-Z0-9_]*)=/.exec(line.trim());
    if (match) names.add(match[1]!);
  }
  return names;
}

/** Names in the README's configuration table: the backticked names in each row's first cell. */
function readmeTableNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('| `')) continue;
    const firstCell = line.split('|')[1] ?? '';
    for (const match of firstCell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) names.add(match[1]!);
  }
  return names;
}

const sorted = (names: Iterable<string>) => [...names].sort();
const missingFrom = (names: Set<string>, from: Set<string>) => sorted([...names].filter((name) => !from.has(name)));

/** Issue #23: the configuration schema, `.env.example` and the README table list the same variables. */
describe('configuration: the schema, .env.example and the README table agree', () => {
  const root = projectRoot();
  const schema = new Set([...variablesRead()].filter((name) => !TEST_ONLY.has(name)));
  const example = envExampleNames(readFileSync(join(root, '.env.example'), 'utf8'));
  const readme = readmeTableNames(readFileSync(join(root, 'README.md'), 'utf8'));

  it('finds the variables it compares', () => {
    expect(schema.size).toBeGreaterThan(40);
    expect(schema.has('DATABASE_URL')).toBe(true);
  });

  it('documents every variable the schema reads in .env.example', () => {
    expect(missingFrom(schema, example)).toEqual([]);
  });

  it('documents every variable the schema reads in the README table', () => {
    expect(missingFrom(schema, readme)).toEqual([]);
  });

  it('states the Node.js requirement once, as package.json engines has it', () => {
    const engines = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } })
      .engines.node;
    const stated = [...readFileSync(join(root, 'README.md'), 'utf8').matchAll(/Node\.js (\d+\.\d+)\+ is required/g)];
    expect(stated.map((match) => `>=${match[1]}`)).toEqual([engines]);
  });

  it('documents no variable the schema does not read', () => {
    expect(missingFrom(example, schema)).toEqual([]);
    expect(missingFrom(readme, schema)).toEqual([]);
  });
});
