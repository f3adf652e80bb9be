import { tmpdir } from 'node:os';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Real Chromium for the console specs: Debian's `chromium` package, driven by playwright-core at the version
 * paired with it (no browser download). Without /usr/bin/chromium the browser specs are skipped by name and
 * scripts/run-tests.js prints how to get it; CI installs it (.ci/run) and sets BROWSER_REQUIRED=1, so a
 * missing browser fails there instead.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SKIPPED = '[skipped: needs /usr/bin/chromium]';

export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.BROWSER_REQUIRED === '1') throw new Error(`Chromium is missing at ${CHROMIUM_PATH}`);
  return false;
}

/** A suite that drives the console in Chromium: skipped by name when the browser is absent. */
export function describeBrowser(name: string, body: () => void): void {
  if (browserAvailable()) describe(name, body);
  else describe.skip(`${name} ${SKIPPED}`, body);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // Root in a container: Chromium's own sandbox needs user namespaces it does not get here.
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
}

/** The repository root (specs run compiled from dist/test/support). */
export function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/**
 * Every Content-Security-Policy violation and uncaught error the page reports, so a spec can assert the
 * console runs under its strict policy without tripping it.
 */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) {
      errors.push(message.text());
    }
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

let axeSource: string | undefined;

/**
 * Runs axe-core in the page and returns its serious and critical violations. The source goes in through
 * the DevTools protocol (page.evaluate), which the page's CSP does not govern; a <script> tag would be
 * refused by it, as it should be.
 */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  // A string, run in the page: this file is compiled for Node, without the DOM's types.
  const violations = (await page.evaluate(
    "axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations)",
  )) as AxeViolation[];
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.impact} ${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
    );
}

/**
 * Writes the page to docs/screenshots/<name>.png for the README with UPDATE_SCREENSHOTS=1; otherwise to a
 * folder under the system's temp dir, so a test run leaves the working tree as it found it.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.UPDATE_SCREENSHOTS
    ? path.join(repositoryRoot(), 'docs', 'screenshots')
    : path.join(tmpdir(), 'helpdesk-screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}
