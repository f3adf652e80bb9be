import type { Browser, BrowserContext, Page } from 'playwright-core';
import { screenshot, seriousAccessibilityViolations, watchPageErrors } from './browser';

/** A browser tab on the console with what it reported (CSP violations, uncaught errors). */
export interface ConsoleTab {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

export async function openConsole(browser: Browser, baseUrl: string): Promise<ConsoleTab> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = watchPageErrors(page);
  await page.goto(`${baseUrl}/`);
  return { context, page, errors };
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** The screen passes axe-core with no serious or critical violation; its screenshot goes to docs/. */
export async function checkScreen(page: Page, name: string): Promise<void> {
  // Let the screen's first load settle, so axe and the picture see the data, not a spinner.
  await page.waitForLoadState('networkidle');
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  await screenshot(page, name);
}

/** Navigates by the main navigation, as a user would. */
export async function openScreen(page: Page, link: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: link }).waitFor();
}
