import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Access to the shared email test corpus (see shared/corpus/README.md).
 *
 * The corpus lives beside the repository clone, not inside it. A clone on its own still passes
 * `npm test`: the specs that read real mail are declared with `describeCorpus`/`itCorpus`, which
 * register them as skipped, by name, when the corpus is absent (scripts/run-tests.js prints one line
 * saying how to enable them). CI sets CORPUS_REQUIRED=1, and then a missing corpus fails loudly,
 * so a spec can never pass there while testing nothing.
 */

/** One row of the corpus INDEX.tsv. Paths are relative to the corpus folder. */
export interface CorpusEntry {
  path: string;
  source: string;
  /** Heuristic tags such as `auto_bounce` or `malformed`; hints, not ground truth. */
  categories: string[];
  /** Upstream expected-result or companion files for this message. */
  expectedFiles: string[];
}

/**
 * The repository root: the nearest folder above this file with a package.json. Specs run compiled
 * from dist/test/support as well as from source, so a fixed number of `..` would be wrong in one.
 */
function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) {
    dir = path.dirname(dir);
  }
  return dir;
}

function candidateDir(): string {
  return process.env.CORPUS_DIR
    ? path.resolve(process.env.CORPUS_DIR)
    : path.resolve(repositoryRoot(), '../shared/corpus');
}

/** Whether the corpus is there; with CORPUS_REQUIRED=1 (CI) an absent one is an error, not a skip. */
export function corpusAvailable(): boolean {
  if (existsSync(path.join(candidateDir(), 'INDEX.tsv'))) return true;
  if (process.env.CORPUS_REQUIRED === '1') corpusDir();
  return false;
}

/** What a skipped corpus spec's name ends with. */
const SKIPPED = '[skipped: needs shared/corpus]';

/** A suite that reads the corpus: skipped by name when the corpus is absent; its body is not run then. */
export function describeCorpus(name: string, body: () => void): void {
  if (corpusAvailable()) describe(name, body);
  else describe.skip(`${name} ${SKIPPED}`, body);
}

/** One test that reads the corpus, inside a suite whose other tests do not. */
export function itCorpus(name: string, body: () => unknown, timeout?: number): void {
  if (corpusAvailable()) it(name, body as () => Promise<void>, timeout);
  else it.skip(`${name} ${SKIPPED}`, body as () => Promise<void>);
}

/** The corpus folder: CORPUS_DIR, else `shared/corpus` beside the repository clone. */
export function corpusDir(): string {
  const dir = candidateDir();
  if (!existsSync(path.join(dir, 'INDEX.tsv'))) {
    throw new Error(
      `Email test corpus is missing: no INDEX.tsv in ${dir}. ` +
        'Place shared/corpus beside the repository clone or set CORPUS_DIR.',
    );
  }
  return dir;
}

function splitList(cell: string | undefined, separator: string): string[] {
  return (cell ?? '')
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

let cachedEntries: CorpusEntry[] | undefined;

/** Every row of INDEX.tsv (header skipped), in file order. */
export function listCorpus(): CorpusEntry[] {
  // Module-level set-up of a spec file may list the corpus before its suites are declared skipped.
  if (!corpusAvailable()) return [];
  if (!cachedEntries) {
    const index = readFileSync(path.join(corpusDir(), 'INDEX.tsv'), 'utf8');
    cachedEntries = index
      .split('\n')
      .slice(1)
      .filter((line) => line.trim().length > 0)
      .map((line) => {
        const [entryPath, source, categories, expected] = line.split('\t');
        return {
          path: entryPath,
          source,
          categories: splitList(categories, ','),
          expectedFiles: splitList(expected, ';'),
        };
      });
  }
  return cachedEntries;
}

/**
 * The full RFC 5322 messages of the corpus: everything except the reply-stripping bodies that
 * are bare text or HTML (the talon `.eml` replies are real messages and are included).
 */
export function listCorpusMessages(): CorpusEntry[] {
  return listCorpus().filter(
    (entry) => !(entry.path.startsWith('reply-stripping/') && /\.(txt|html)$/.test(entry.path)),
  );
}

/** Reads a corpus file as raw bytes; line endings and 8-bit bytes are exactly as stored. */
export function readCorpusFile(relativePath: string): Buffer {
  return readFileSync(path.join(corpusDir(), relativePath));
}

/** Reads a corpus file as UTF-8 text (for expected-result files and reply-stripping bodies). */
export function readCorpusText(relativePath: string): string {
  return readCorpusFile(relativePath).toString('utf8');
}

/** Whether a corpus file exists (some expectations are optional, e.g. talon `_reply_text`). */
export function corpusFileExists(relativePath: string): boolean {
  return existsSync(path.join(corpusDir(), relativePath));
}
