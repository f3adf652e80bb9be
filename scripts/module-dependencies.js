// Prints the "## Module dependencies" table of docs/ARCHITECTURE.md from the imports (after npm run
// build:test): paste it over the old one when test/architecture-map.spec.ts says they differ.
const { join } = require('node:path');
const { importGraph } = require(join(__dirname, '..', 'dist', 'test', 'support', 'import-graph'));

const graph = importGraph(join(__dirname, '..'));
console.log('| Module | Imports from |');
console.log('| --- | --- |');
for (const [name, targets] of [...graph].sort(([a], [b]) => a.localeCompare(b))) {
  const list = [...targets]
    .sort()
    .map((target) => `\`${target}\``)
    .join(', ');
  console.log(`| \`${name}\` | ${list || '(nothing)'} |`);
}
