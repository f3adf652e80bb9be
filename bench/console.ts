/**
 * `npm run bench:console [-- --runs N]`: the operator console's first load. Prints the JavaScript and CSS
 * the sign-in page loads (gzipped bytes, read from the built files the page names), and the time to
 * interactive on loopback in Chromium with a cold cache: from navigation start until the app has rendered
 * its form (the "Sign in" button is enabled), and, signed in, until the tickets list has its rows. The
 * median of N runs (default 5). Targets: under 150 KB of JavaScript, under 1 s. Asserts nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CONSOLE_DIR } from '../src/console-static';
import { CHROMIUM_PATH, launchChromium } from '../test/support/browser';
import { makeTicketsFor } from './console-seed';
import { startTestApp } from '../test/support/test-app';
import { createTenant } from '../test/support/tenants';

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

/** The gzipped size of every file of a kind that index.html names (module scripts and preloads, or styles). */
function firstLoadBytes(html: string, pattern: RegExp): { files: number; raw: number; gzip: number } {
  const refs = [...html.matchAll(pattern)].map((match) => match[1]);
  let raw = 0;
  let gzip = 0;
  for (const ref of refs) {
    const body = readFileSync(join(CONSOLE_DIR, ref));
    raw += body.length;
    gzip += gzipSync(body, { level: 9 }).length;
  }
  return { files: refs.length, raw, gzip };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const runs = arg('runs', 5);
  const html = readFileSync(join(CONSOLE_DIR, 'index.html'), 'utf8');
  const js = firstLoadBytes(html, /<(?:script[^>]*\bsrc|link[^>]*rel="modulepreload"[^>]*href)="\/([^"]+)"/g);
  const css = firstLoadBytes(html, /<link[^>]*rel="stylesheet"[^>]*href="\/([^"]+)"/g);
  console.log(
    `first-load JavaScript: ${js.files} file(s), ${js.raw} bytes, ${js.gzip} bytes gzipped (target < 153600)`,
  );
  console.log(`first-load CSS: ${css.files} file(s), ${css.raw} bytes, ${css.gzip} bytes gzipped`);

  const testApp = await startTestApp({ LOG_LEVEL: 'silent' });
  const browser = await launchChromium();
  try {
    const tenant = await createTenant(testApp);
    await makeTicketsFor(testApp, tenant.admin.token, 25);
    const base = `http://127.0.0.1:${(testApp.app.getHttpServer().address() as { port: number }).port}`;
    const signIn: number[] = [];
    const tickets: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      // A new context each time: an empty cache, as on a first visit.
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${base}/`, { waitUntil: 'commit' });
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      signIn.push((await page.evaluate('performance.now()')) as number);
      // Signed in (the token in sessionStorage, as after a sign-in), a reload to the list.
      await page.evaluate(`sessionStorage.setItem('helpdesk.token', ${JSON.stringify(tenant.admin.token)})`);
      await page.goto(`${base}/#/tickets`, { waitUntil: 'commit' });
      await page.reload({ waitUntil: 'commit' });
      await page.getByRole('link', { name: 'Seeded ticket 1', exact: true }).waitFor();
      tickets.push((await page.evaluate('performance.now()')) as number);
      await context.close();
    }
    console.log(`Chromium ${browser.version()} (${CHROMIUM_PATH}), loopback, cold cache, median of ${runs}:`);
    console.log(`time to interactive, sign-in form: ${median(signIn).toFixed(0)} ms (target < 1000)`);
    console.log(`time to interactive, tickets list with 25 rows (signed in): ${median(tickets).toFixed(0)} ms`);
  } finally {
    await browser.close();
    await testApp.close();
  }
}

void main();
