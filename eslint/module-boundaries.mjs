// The arrows between modules as a lint rule (docs/ARCHITECTURE.md, "Which way the arrows point"):
// resolves each relative import and compares the top-level folders under src/ it leaves and enters.
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Composition roots: they wire modules together (the app shell in src/, the command-line tools). */
const COMPOSITION_ROOTS = new Set(['app', 'cli']);
/** The ground floor: imported by modules, imports none of them. */
const GROUND_FLOOR = new Set(['common', 'libs']);
/** Tickets emits events after commit; it never calls these. */
const TICKETS_NEVER = new Set(['sync', 'mailbox', 'mailer', 'notifications']);

/** `{ module, parts }` for a path under src/ or libs/ (a file directly in src/ belongs to `app`); else null. */
function placeOf(path, root) {
  const parts = relative(root, path).split(sep);
  if (parts[0] === 'libs') return { module: 'libs', parts: parts.slice(1) };
  if (parts[0] !== 'src' || parts.length < 2) return null;
  return parts.length === 2 ? { module: 'app', parts: [] } : { module: parts[1], parts: parts.slice(2) };
}

/**
 * Why importing `target` from `file` crosses a boundary, or null when it may. Both are absolute paths;
 * `root` is the project folder.
 */
export function boundaryProblem(file, target, root = ROOT) {
  const from = placeOf(file, root);
  if (!from) return null;
  const to = placeOf(target, root);
  if (from.module === 'libs') {
    return relative(root, target).split(sep)[0] === 'src'
      ? 'libs/ is framework-free: it imports nothing from src/'
      : null;
  }
  if (!to || to.module === from.module) return null;
  if (from.module === 'common' && !GROUND_FLOOR.has(to.module)) {
    return `common/ is the ground floor: it imports no module (here ${to.module}); have the module hand it what it needs`;
  }
  if (from.module === 'tickets' && TICKETS_NEVER.has(to.module)) {
    return `Tickets knows nothing of ${to.module}: it publishes domain events after commit instead`;
  }
  if (COMPOSITION_ROOTS.has(from.module)) return null;
  const name = to.parts.at(-1) ?? '';
  const folders = to.parts.slice(0, -1);
  // A spec may build another module's driver: tests talk to real servers (Dovecot, SMTP) through them.
  const spec = /\.spec\.[jt]s$/.test(file);
  const kind = /\.entity(\.[jt]s)?$/.test(name)
    ? 'entities'
    : /\.repository(\.[jt]s)?$/.test(name)
      ? 'repositories'
      : folders.includes('drivers') && !spec
        ? 'drivers/ folder'
        : folders.includes('dto')
          ? 'HTTP DTOs (dto/)'
          : null;
  if (!kind) return null;
  return `${from.module} may not import ${to.module}'s ${kind}: use what ${to.module} exports (its service and snapshot types)`;
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: "Imports follow the module map: no other module's entities, repositories, drivers or DTOs" },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const check = (node) => {
      const source = node.source;
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      if (!source.value.startsWith('.')) return;
      const problem = boundaryProblem(file, resolve(dirname(file), source.value));
      if (problem) context.report({ node: source, message: problem });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

export default { rules: { 'module-boundaries': rule } };
