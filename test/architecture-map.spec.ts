import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { importGraph, type ImportGraph } from './support/import-graph';

/** The project root: the nearest folder above this file with a package.json (the spec runs from dist/). */
function projectRoot(): string {
  let folder = __dirname;
  while (!existsSync(join(folder, 'package.json'))) folder = dirname(folder);
  return folder;
}

/** The table under "## Module dependencies" in docs/ARCHITECTURE.md: `module` | `dep`, `dep`, … */
function documentedGraph(markdown: string): ImportGraph {
  const section = markdown.split('\n## Module dependencies')[1]?.split('\n## ')[0];
  if (!section) throw new Error('docs/ARCHITECTURE.md has no "## Module dependencies" section');
  const graph: ImportGraph = new Map();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const name = /^`([a-z-]+)`$/.exec(cells[1] ?? '')?.[1];
    if (!name) continue;
    graph.set(name, new Set([...(cells[2] ?? '').matchAll(/`([a-z-]+)`/g)].map((match) => match[1]!)));
  }
  return graph;
}

const asLines = (graph: ImportGraph) =>
  [...graph].map(([name, targets]) => `${name} -> ${[...targets].sort().join(', ')}`).sort();

/** Issue #23: the module map in docs/ARCHITECTURE.md is the one the imports draw. */
describe('architecture: the documented module dependencies are the imports', () => {
  const root = projectRoot();
  const actual = importGraph(root);
  const documented = documentedGraph(readFileSync(join(root, 'docs', 'ARCHITECTURE.md'), 'utf8'));

  it('reads a graph of the size of the project', () => {
    expect(actual.size).toBeGreaterThan(10);
    expect(actual.get('sync')?.has('tickets')).toBe(true);
  });

  it('documents every module with exactly the modules it imports', () => {
    expect(asLines(documented)).toEqual(asLines(actual));
  });

  it('keeps libs/ free of the application', () => {
    expect([...(actual.get('libs') ?? [])]).toEqual([]);
  });
});
