import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startDovecot, type DovecotServer } from './harness/dovecot';
import { freePort } from './harness/free-port';
import { startSmtpServer, type TestSmtpServer } from './harness/smtp-server';
import { describeBrowser, launchChromium } from './support/browser';
import { checkScreen, openConsole, openScreen, signIn, type ConsoleTab } from './support/console-page';
import { makeMessage, uniqueMessageId } from './support/messages';
import { manyParts, withAttachment } from './support/poison-mail';
import { startTestApp, SUPERADMIN, type TestApp } from './support/test-app';
import { createTenant, type TestTenant } from './support/tenants';

const MAILBOX = { user: 'console-desk', password: 'mailbox-secret' };
const ADDRESS = 'console-desk@helpdesk.test';
const CAROL = 'carol@customer.test';
/** Waits for what polling brings in (a synced mail, a sync's state): a run every 2 s plus a poll. */
const ARRIVES = { timeout: 30_000 };

/** A customer's HTML mail with a remote image and a script that must never run. */
function htmlMessage(to: string, subject: string, imageUrl: string): string {
  return makeMessage({ from: `Carol Customer <${CAROL}>`, to, subject }).replace(
    /Content-Type: text\/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n[^]*$/,
    'Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n' +
      `<p style="color:#1F497D">Our spring offers</p><img src="${imageUrl}" alt="offer">` +
      '<script>parent.injected = true</script>\r\n',
  );
}

/**
 * The operator console in real Chromium, against the real service, Dovecot and an SMTP server: an admin
 * signs in, sets up the mailbox in the Email settings form, starts sync, sees a customer's mail arrive as a
 * ticket without reloading, replies, and the customer receives the reply threaded; a failed message is
 * retried from Failures; an agent cannot reach admin screens. Every screen passes axe-core (no serious or
 * critical violation), runs under the console's strict CSP without a violation, and is photographed into
 * docs/screenshots/ for the README.
 */
describeBrowser('operator console (Chromium)', () => {
  let dovecot: DovecotServer;
  let smtp: TestSmtpServer;
  let testApp: TestApp;
  let tenant: TestTenant;
  let browser: Browser;
  let baseUrl: string;
  let admin: ConsoleTab;
  const tabs: ConsoleTab[] = [];

  beforeAll(async () => {
    // The SMTP server delivers into Dovecot, so the round-trip check finds its probe over IMAP.
    const startMail = async () => {
      const imap = await startDovecot({ users: [MAILBOX] });
      return [
        imap,
        await startSmtpServer({ auth: 'required', tls: 'none', users: [MAILBOX], deliverTo: imap }),
      ] as const;
    };
    let mail: readonly [DovecotServer, TestSmtpServer];
    [mail, testApp, browser] = await Promise.all([
      startMail(),
      startTestApp({
        MAIL_ALLOW_PRIVATE_HOSTS: 'true',
        // Nothing here waits for a timeout, and on a loaded CI machine a Dovecot login can take over 2 s.
        MAIL_CONNECT_TIMEOUT_MS: '15000',
        SYNC_MIN_INTERVAL_SECONDS: '1',
      }),
      launchChromium(),
    ]);
    [dovecot, smtp] = mail;
    tenant = await createTenant(testApp, 'Console Support');
    baseUrl = `http://127.0.0.1:${(testApp.app.getHttpServer().address() as { port: number }).port}`;
    admin = await openConsole(browser, baseUrl);
    tabs.push(admin);
  });
  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
    await smtp?.close();
    await dovecot?.close();
  });
  afterEach(() => {
    // The console runs under its strict CSP without tripping it, and without an uncaught error.
    for (const tab of tabs) expect(tab.errors).toEqual([]);
  });

  it('signs in with the keyboard alone, after saying plainly that the password was wrong', async () => {
    const { page } = admin;
    await checkScreen(page, 'sign-in');
    await page.keyboard.press('Tab');
    await page.keyboard.type(tenant.admin.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type('not the password');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();

    await page.getByLabel('Password', { exact: true }).focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(tenant.admin.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Tickets' }).waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(1);
    expect(page.url()).not.toContain(tenant.admin.token.slice(0, 20));
  });

  it('saves the incoming and outgoing settings from the form; a test against a closed port says why, by the port', async () => {
    const { page } = admin;
    await openScreen(page, 'Email settings');
    const incoming = page.getByRole('group', { name: 'Incoming email settings' });
    await incoming.getByLabel('IMAP server', { exact: true }).fill(dovecot.host);
    await incoming.getByLabel('Port', { exact: true }).fill(String(await freePort()));
    await incoming.getByLabel('Security', { exact: true }).selectOption('none');
    await incoming.getByLabel('Verify certificate', { exact: true }).uncheck();
    await incoming.getByLabel('E-mail address', { exact: true }).fill(MAILBOX.user);
    await incoming.getByLabel('Password', { exact: true }).fill(MAILBOX.password);
    await incoming.getByLabel('Folder', { exact: true }).fill('INBOX');
    await incoming.getByLabel('Support address', { exact: true }).fill(ADDRESS);

    // A validation error from the API sits beside its field.
    await incoming.getByLabel('IMAP server', { exact: true }).fill('imap://example.com');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#in-host-error').filter({ hasText: 'host must be a server name' }).waitFor();
    await incoming.getByLabel('IMAP server', { exact: true }).fill(dovecot.host);

    await page.getByRole('button', { name: 'Test incoming email' }).click();
    const portError = page.locator('#in-port-error');
    await portError.waitFor();
    expect(await portError.textContent()).toMatch(/^Connection refused/);
    expect(await incoming.getByLabel('Port', { exact: true }).getAttribute('aria-describedby')).toContain(
      'in-port-error',
    );

    await incoming.getByLabel('Port', { exact: true }).fill(String(dovecot.imapPort));
    await page.getByRole('button', { name: 'Test incoming email' }).click();
    await page.getByRole('status').filter({ hasText: 'Incoming works: INBOX holds 0 messages.' }).waitFor();

    const outgoing = page.getByRole('group', { name: 'Outgoing email settings' });
    await outgoing.getByLabel('SMTP server', { exact: true }).fill(smtp.host);
    await outgoing.getByLabel('Port', { exact: true }).fill(String(smtp.port));
    await outgoing.getByLabel('Security', { exact: true }).selectOption('none');
    await outgoing.getByLabel('Verify certificate', { exact: true }).uncheck();
    expect(
      await outgoing.getByLabel('Use e-mail and password from incoming settings', { exact: true }).isChecked(),
    ).toBe(true);
    await outgoing.getByLabel('From name', { exact: true }).fill('Console Support');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
    // Saved, with the password shown as set and never its value.
    await incoming.getByText('A password is saved; leave this empty to keep it.').waitFor();
    expect(await incoming.getByLabel('Password', { exact: true }).inputValue()).toBe('');

    const saved = await testApp
      .http()
      .get('/api/v1/settings/email')
      .auth(tenant.admin.token, { type: 'bearer' })
      .expect(200);
    expect(saved.body).toMatchObject({
      incoming: { host: dovecot.host, port: dovecot.imapPort, security: 'none', username: MAILBOX.user },
      outgoing: { host: smtp.host, port: smtp.port, useIncomingCredentials: true, fromName: 'Console Support' },
    });
    expect(saved.body.incoming.passwordSet).toBe(true);

    // The outgoing test goes to the recipient typed in; the round trip comes back through the mailbox.
    await page.getByLabel('Test message recipient', { exact: true }).fill(CAROL);
    await page.getByRole('button', { name: 'Test outgoing email' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `A test message went to ${CAROL}.` })
      .waitFor();
    expect(smtp.messages.some((message) => message.envelope.to.includes(CAROL))).toBe(true);
    await page.getByRole('button', { name: 'Verify round trip' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Round trip works: ${ADDRESS} received the probe` })
      .waitFor(ARRIVES);
  });

  it('starts sync from the current date, and the widget shows it running', async () => {
    const { page } = admin;
    const widget = page.getByRole('region', { name: 'Sync service status' });
    await widget.getByText('Stopped', { exact: true }).waitFor();
    expect(await widget.getByRole('radio', { name: 'last sync' }).isDisabled()).toBe(true);
    await widget.getByRole('radio', { name: 'current date' }).check();
    await widget.getByRole('button', { name: 'Start' }).click();
    await widget.getByText(/^(Running|Syncing now)$/).waitFor(ARRIVES);
    await widget.getByLabel('Interval (seconds)', { exact: true }).fill('2');
    await widget.getByRole('button', { name: 'Set interval' }).click();
    await widget.getByText('Interval changed.').waitFor();
    await widget.getByText('Running', { exact: true }).waitFor(ARRIVES);
    await checkScreen(page, 'email-settings');
  });

  let ticketUrl = '';
  it('shows a new mail in the tickets list without a reload; the reply reaches the customer, threaded', async () => {
    const { page } = admin;
    await openScreen(page, 'Tickets');
    // Page code runs as strings: the spec's compiler knows Node, not the DOM.
    await page.evaluate('window.notReloaded = true');
    const messageId = uniqueMessageId();
    await dovecot.append(
      MAILBOX.user,
      makeMessage({ from: `Carol Customer <${CAROL}>`, to: ADDRESS, subject: 'Console printer', messageId }),
    );
    const link = page.getByRole('link', { name: 'Console printer' });
    await link.waitFor(ARRIVES);
    expect(await page.evaluate('window.notReloaded')).toBe(true);
    await checkScreen(page, 'tickets');

    await link.click();
    await page.getByRole('heading', { level: 1, name: /Console printer/ }).waitFor();
    await page.getByText('It is on fire. Please help.').waitFor();
    ticketUrl = page.url();
    const reply = 'We are sending a technician with an extinguisher.';
    await page.getByRole('textbox', { name: 'Reply' }).fill(reply);
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByRole('status').filter({ hasText: 'Reply sent.' }).waitFor();
    await page.getByRole('textbox', { name: 'Reply' }).fill('Carol called twice already.');
    await page.getByRole('button', { name: 'Add internal note' }).click();
    await page
      .getByRole('listitem')
      .filter({ hasText: 'Carol called twice already.' })
      .getByText('Internal note')
      .waitFor();
    await checkScreen(page, 'ticket');

    const mail = await smtp.waitFor(
      (message) => message.envelope.to.includes(CAROL) && message.raw.toString('utf8').includes(reply),
      30_000,
    );
    const raw = mail.raw.toString('utf8');
    expect(raw).toMatch(new RegExp(`^References:[^\\r\\n]*<${messageId}>`, 'mi'));
    expect(raw).toMatch(/^Subject: [^\r\n]*\[#\d+\]/m);
    expect(raw).not.toContain('Carol called twice already.');
  });

  it('shows HTML mail only in a sandboxed frame, where scripts do not run and remote images are not fetched', async () => {
    const { page } = admin;
    // A remote image on a loopback port: any attempt to fetch it would open a connection here.
    let connections = 0;
    const tracker = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => tracker.listen(0, '127.0.0.1', resolve));
    const pixel = `https://127.0.0.1:${(tracker.address() as AddressInfo).port}/pixel.png`;
    try {
      await dovecot.append(MAILBOX.user, htmlMessage(ADDRESS, 'Formatted newsletter', pixel));
      await openScreen(page, 'Tickets');
      await page.getByRole('link', { name: 'Formatted newsletter' }).click(ARRIVES);
      await page.getByText('Formatted version (remote images blocked)').click();
      const frame = page.locator('iframe[title^="Formatted mail"]');
      expect(await frame.getAttribute('sandbox')).toBe('');
      const inside = page.frameLocator('iframe[title^="Formatted mail"]');
      await inside.getByText('Our spring offers').waitFor();
      expect(await inside.locator('img').count()).toBe(1);
      expect(await page.evaluate('window.injected')).toBeUndefined();
      expect(connections).toBe(0);
      // The page's CSP refused the image (reported on the console), and only that.
      const refused = admin.errors.splice(0).filter((error) => !error.includes(pixel));
      expect(refused).toEqual([]);
    } finally {
      tracker.close();
    }
  });

  it('lists failed messages under Failures: the original downloads, Retry ingests once storage works, Dismiss', async () => {
    const { page } = admin;
    const attachments = join(testApp.config.dataDir, 'attachments');
    const away = `${attachments}.away`;
    // A parser bomb (over SYNC_MAX_MIME_PARTS), quarantined whatever the storage.
    const bomb = manyParts(ADDRESS, 1100, 'Part bomb');
    renameSync(attachments, away);
    // A file where the storage directory should be (root ignores permissions, so no chmod).
    writeFileSync(attachments, 'not a directory');
    try {
      await dovecot.appendMany(MAILBOX.user, [withAttachment(ADDRESS, 'Log while storage was broken', 4096), bomb]);
      await openScreen(page, 'Failures');
      await page.getByRole('row').filter({ hasText: 'storage' }).waitFor(ARRIVES);
      await page.getByRole('row').filter({ hasText: 'over-limit' }).waitFor(ARRIVES);
      await checkScreen(page, 'failures');
    } finally {
      rmSync(attachments, { force: true });
      renameSync(away, attachments);
    }
    mkdirSync(attachments, { recursive: true });

    const overLimit = page.getByRole('row').filter({ hasText: 'over-limit' });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      overLimit.getByRole('button', { name: /^Download \.eml/ }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^failure-\d+\.eml$/);
    expect(readFileSync(await download.path()).toString('utf8')).toBe(bomb);

    await page.getByRole('row').filter({ hasText: 'storage' }).getByRole('button', { name: 'Retry' }).click();
    await page.getByRole('status').filter({ hasText: 'processed: ticket' }).waitFor();
    await overLimit.getByRole('button', { name: 'Dismiss' }).click();
    await page.getByText('No failed messages.').waitFor();
    await openScreen(page, 'Tickets');
    await page.getByRole('link', { name: 'Log while storage was broken' }).waitFor(ARRIVES);
  });

  it('edits a notification template with its preview, and adds and disables a user', async () => {
    const { page } = admin;
    await openScreen(page, 'Notifications');
    // The template editor: an unknown placeholder is refused beside the field; the preview fills known ones.
    await page.getByLabel('Template', { exact: true }).selectOption('agentReplied');
    await page.getByLabel('Subject', { exact: true }).fill('Re: {{ticket.subject}} {{ticket.colour}}');
    await page.getByRole('button', { name: 'Save template' }).click();
    expect(await page.locator('#template-subject-error').textContent()).toContain('ticket.colour');
    await page.getByLabel('Subject', { exact: true }).fill('Re: {{ticket.subject}} (answered)');
    await page.getByRole('button', { name: 'Save template' }).click();
    await page.getByRole('status').filter({ hasText: 'Template saved.' }).waitFor();
    await page.getByRole('region', { name: 'Preview' }).getByText('Re: Printer on fire (answered)').waitFor();
    await page.getByLabel('Status', { exact: true }).selectOption('sent');
    await page.getByRole('cell', { name: CAROL }).first().waitFor(ARRIVES);
    await checkScreen(page, 'notifications');
    await openScreen(page, 'Users');
    await page.getByRole('cell', { name: tenant.admin.email }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Dana Agent');
    await page.getByLabel('Email', { exact: true }).fill('dana@tenant.test');
    await page.getByLabel('Password', { exact: true }).fill('dana-password-long');
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByRole('button', { name: 'Disable Dana Agent' }).click();
    await page.getByRole('button', { name: 'Enable Dana Agent' }).waitFor();
    await checkScreen(page, 'users');
  });

  it('keeps an agent to tickets: admin screens are hidden, refused by URL, and an API 403 is said plainly', async () => {
    const agent = await tenant.addUser('agent');
    const tab = await openConsole(browser, baseUrl);
    tabs.push(tab);
    await signIn(tab.page, agent.email, agent.password);
    const nav = tab.page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Tickets']);
    await tab.page.goto(`${baseUrl}/#/settings/email`);
    await tab.page.getByRole('alert').filter({ hasText: 'cannot open this screen' }).waitFor();
    await tab.page.goto(ticketUrl);
    await tab.page.getByRole('heading', { level: 1, name: /Console printer/ }).waitFor();

    // An admin demoted while signed in still sees the admin menu; the API's 403 is shown, not a blank page.
    const demoted = await tenant.addUser('admin');
    const other = await openConsole(browser, baseUrl);
    tabs.push(other);
    await signIn(other.page, demoted.email, demoted.password);
    await testApp
      .http()
      .patch(`/api/v1/users/${demoted.id}`)
      .auth(tenant.admin.token, { type: 'bearer' })
      .send({ role: 'agent' })
      .expect(200);
    await openScreen(other.page, 'Failures');
    await other.page.getByRole('status').filter({ hasText: 'You do not have access to this.' }).waitFor();
  });

  it('shows the superadmin the organizations, and forgets the token on sign-out and on a 401', async () => {
    const tab = await openConsole(browser, baseUrl);
    tabs.push(tab);
    await signIn(tab.page, SUPERADMIN.email, SUPERADMIN.password);
    await tab.page.getByRole('rowheader', { name: 'Console Support' }).waitFor();
    await checkScreen(tab.page, 'organizations');
    await tab.page.getByRole('button', { name: 'Sign out' }).click();
    await tab.page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await tab.page.evaluate('sessionStorage.length')).toBe(0);

    // A token the server no longer takes (here: never issued) ends the session at its first 401.
    await tab.page.evaluate(`sessionStorage.setItem('helpdesk.token', 'not-a-token')`);
    await tab.page.reload();
    await tab.page.getByRole('status').filter({ hasText: 'Your session ended. Sign in again.' }).waitFor();
    expect(await tab.page.evaluate('sessionStorage.length')).toBe(0);
  });

  it('says plainly when sign-in is rate limited', async () => {
    const tab = await openConsole(browser, baseUrl);
    tabs.push(tab);
    const { page } = tab;
    await page.getByLabel('Email', { exact: true }).fill(tenant.admin.email);
    await page.getByLabel('Password', { exact: true }).fill('still not the password');
    // LOGIN_MAX_ATTEMPTS_PER_ACCOUNT (5) wrong passwords, then the limit answers instead.
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
    }
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /^Too many attempts\. Try again in \d+ seconds\.$/ })
      .waitFor();
  });
});
