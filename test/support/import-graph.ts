import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Module → the other modules it imports from (type-only imports included: they are dependencies too). */
export type ImportGraph = Map<string, Set<string>>;

/** Static `import … from`, `export … from`, side-effect `import '…'` and `import('…')`, relative ones only. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)'(\.{1,2}\/[^']*)'/g;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/**
 * The module a path belongs to: the folder under `src/` (a file directly in `src/` is the application
 * shell, `app`), or `libs` for anything under `libs/`.
 */
function moduleOf(root: string, path: string): string | null {
  const parts = relative(root, path).split(sep);
  if (parts[0] === 'libs') return 'libs';
  if (parts[0] !== 'src') return null;
  return parts.length === 2 ? 'app' : parts[1]!;
}

/** The import graph between the modules of `src/` (and `libs/`), read from the sources (not specs). */
export function importGraph(root: string): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of [...sourceFiles(join(root, 'src')), ...sourceFiles(join(root, 'libs'))]) {
    const from = moduleOf(root, file)!;
    const targets = graph.get(from) ?? new Set<string>();
    graph.set(from, targets);
    for (const match of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const to = moduleOf(root, resolve(dirname(file), match[1]!));
      if (to && to !== from) targets.add(to);
    }
  }
  return graph;
}
