#!/usr/bin/env node
// Runs the compiled specs (dist/) on Node's test runner, one process per file, with the jest-style
// globals preloaded. Usage: node scripts/run-tests.js [path-substring ...]
'use strict';
const { spawnSync } = require('node:child_process');
const { readdirSync, existsSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..');
const dist = join(root, 'dist');
if (!existsSync(join(dist, 'test/support/jest-globals.js'))) {
  console.error('dist/ is missing: run `npm run build:test` first (npm test does it for you).');
  process.exit(1);
}

function findSpecs(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return findSpecs(path);
    return /\.(spec|e2e-spec)\.js$/.test(entry.name) ? [path] : [];
  });
}

const filters = process.argv.slice(2);
const specs = ['libs', 'src', 'test']
  .map((folder) => join(dist, folder))
  .filter(existsSync)
  .flatMap(findSpecs)
  .filter((file) => filters.length === 0 || filters.some((filter) => relative(dist, file).includes(filter)))
  .sort();
if (specs.length === 0) {
  console.error(`No spec matched ${filters.join(' ')}`);
  process.exit(1);
}

// The specs that read the shared real-mail corpus skip themselves, by name, when it is absent (see
// test/support/corpus.ts); one line here says how to run them. CI sets CORPUS_REQUIRED=1 instead.
const corpus = process.env.CORPUS_DIR ? process.env.CORPUS_DIR : join(root, '..', 'shared', 'corpus');
const corpusHint = existsSync(join(corpus, 'INDEX.tsv'))
  ? null
  : `The specs marked "[skipped: needs shared/corpus]" need the email corpus: place shared/corpus beside this clone or set CORPUS_DIR.`;

// The console specs drive Debian's Chromium and skip themselves, by name, when it is absent (test/support/browser.ts).
const chromium = process.env.CHROMIUM_PATH ? process.env.CHROMIUM_PATH : '/usr/bin/chromium';
const browserHint = existsSync(chromium)
  ? null
  : `The specs marked "[skipped: needs /usr/bin/chromium]" drive the console in a browser: apt-get install -y chromium.`;

const result = spawnSync(
  process.execPath,
  [
    '--enable-source-maps',
    '--require',
    join(dist, 'test/support/jest-globals.js'),
    '--test',
    // Three spec files at a time: most of a file's time is spent waiting on servers and timers, and on
    // 2 cores the SQLite suite took 5.2 min at 3 against 6.8 at 2, every test passing on both databases.
    `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 3}`,
    // Node's runner waits forever by default: a test that hangs fails after 10 minutes instead of
    // holding the whole run (the slowest tests take about 4).
    `--test-timeout=${process.env.TEST_TIMEOUT_MS ?? 600_000}`,
    `--test-reporter=${process.env.TEST_REPORTER ?? 'spec'}`,
    ...specs,
  ],
  { cwd: root, stdio: 'inherit' },
);
if (corpusHint) console.log(corpusHint);
if (browserHint && specs.some((spec) => spec.includes('console'))) console.log(browserHint);
process.exit(result.status ?? 1);
