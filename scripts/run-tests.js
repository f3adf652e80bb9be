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

const result = spawnSync(
  process.execPath,
  [
    '--enable-source-maps',
    '--require',
    join(dist, 'test/support/jest-globals.js'),
    '--test',
    `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
    `--test-reporter=${process.env.TEST_REPORTER ?? 'spec'}`,
    ...specs,
  ],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
