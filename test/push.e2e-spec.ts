import { startDovecot, type DovecotServer } from './harness/dovecot';
import { Helpdesk } from './support/helpdesk';
import { eventually, makeMessage } from './support/messages';
import { mailToTicket, pushOf, pushReaches, setPush } from './support/push';
import { startTestApp, type TestApp } from './support/test-app';
import { createTenant } from './support/tenants';

/**
 * The interval stays at its default 300 s and every test is over long before: a ticket within seconds
 * can only come from push (IMAP IDLE).
 */
const PUSH_ENV = { MAIL_ALLOW_PRIVATE_HOSTS: 'true', PUSH_ENABLED: 'true' };

describe('push: new mail becomes a ticket within seconds (IMAP IDLE)', () => {
  let dovecot: DovecotServer;
  let testApp: TestApp;
  let mailboxes = 0;

  beforeAll(async () => {
    dovecot = await startDovecot();
    testApp = await startTestApp(PUSH_ENV);
  });
  afterAll(async () => {
    await testApp.close();
    await dovecot.close();
  });

  /** A new organization with its own mailbox, sync started from now, its IDLE connection up. */
  async function idlingDesk(): Promise<{ desk: Helpdesk; user: string }> {
    mailboxes += 1;
    const user = `push${mailboxes}`;
    await dovecot.addUser(user, 'mailbox-secret');
    const desk = new Helpdesk(testApp, await createTenant(testApp));
    await desk.connectIncoming(dovecot, user, 'mailbox-secret');
    await desk.start({ from: 'current-date' });
    await pushReaches(desk, 'idle');
    await eventually(async () => (await dovecot.sessions()).get(user) === 1);
    return { desk, user };
  }

  it('is on by default, shows its state, and brings mail in while idling', async () => {
    const { desk, user } = await idlingDesk();
    const push = await pushOf(desk);
    expect(push).toMatchObject({ enabled: true, state: 'idle', error: null });
    expect(push.since).not.toBeNull();
    expect((await desk.status()).intervalSeconds).toBe(300);
    const latencies: number[] = [];
    for (let i = 0; i < 3; i += 1) latencies.push(await mailToTicket(dovecot, user, desk, `Pushed ${i}`));
    process.stdout.write(`push: mail → ticket visible through the API in ${latencies.join(', ')} ms\n`);
    expect((await desk.allSubjects()).sort()).toEqual(['Pushed 0', 'Pushed 1', 'Pushed 2']);
    expect((await pushOf(desk)).lastEventAt).not.toBeNull();
  });

  it('takes mail that arrives right after a run, and a burst becomes few runs', async () => {
    const { desk, user } = await idlingDesk();
    await mailToTicket(dovecot, user, desk, 'First');
    await eventually(async () => !(await desk.status()).syncing);
    // Right after that run: the next change must start another.
    await mailToTicket(dovecot, user, desk, 'Right after');
    const runsBefore = (await desk.runs()).length;
    await dovecot.appendMany(
      user,
      Array.from({ length: 10 }, (_, i) => makeMessage({ subject: `Burst ${i}` })),
    );
    await eventually(async () => (await desk.ticketCount()) === 12, 30_000);
    // Debounced and coalesced: ten messages in a row are not ten runs.
    expect((await desk.runs()).length - runsBefore).toBeLessThan(10);
  });

  it('reconnects after an admin kicks the session, and catches up', async () => {
    const { desk, user } = await idlingDesk();
    const before = await dovecot.logins(user);
    await dovecot.kick(user);
    await mailToTicket(dovecot, user, desk, 'While kicked');
    await eventually(async () => (await dovecot.logins(user)).succeeded > before.succeeded);
    await pushReaches(desk, 'idle');
    await eventually(async () => (await dovecot.sessions()).get(user) === 1);
    await mailToTicket(dovecot, user, desk, 'After the kick');
    expect((await desk.allSubjects()).sort()).toEqual(['After the kick', 'While kicked']);
  });

  it('rides out a server that goes down: connecting while it is away, idle again after, nothing lost', async () => {
    const { desk, user } = await idlingDesk();
    await dovecot.stop();
    try {
      // Connecting again, with the failure that sent it there: recorded once the first attempt fails.
      const away = await eventually(async () => {
        const push = await pushOf(desk);
        return push.state === 'connecting' && push.error ? push : null;
      }, 20_000);
      expect(away.error?.class).toMatch(/refused|timeout|protocol/);
      // Long enough for several failed attempts, so the back-off has grown.
      await new Promise((resolve) => setTimeout(resolve, 8_000));
    } finally {
      // Started again even when the test fails, so the tests after it have their server.
      await dovecot.start();
    }
    // Appended at once: before the next attempt, most likely, so only the catch-up run can take it.
    await mailToTicket(dovecot, user, desk, 'Back up', 60_000);
    await pushReaches(desk, 'idle', 60_000);
    await mailToTicket(dovecot, user, desk, 'Idle again');
    expect((await desk.allSubjects()).sort()).toEqual(['Back up', 'Idle again']);
  });

  it('a wrong password after a settings change: error (auth), no login loop, back when the settings are fixed', async () => {
    const { desk, user } = await idlingDesk();
    await desk.connectIncoming(dovecot, user, 'not-the-password');
    const failed = await pushReaches(desk, 'error');
    expect(failed.error?.class).toBe('auth');
    const refused = (await dovecot.logins(user)).failed;
    expect(refused).toBeGreaterThanOrEqual(1);
    // A reconnect loop would log in again and again within seconds (back-off starts at 1 s).
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect((await dovecot.logins(user)).failed).toBe(refused);
    expect((await dovecot.sessions()).get(user)).toBeUndefined();
    await desk.connectIncoming(dovecot, user, 'mailbox-secret');
    await pushReaches(desk, 'idle');
    await mailToTicket(dovecot, user, desk, 'Fixed');
  });

  it('PUT /sync/push false closes the connection and opens none; true brings it back', async () => {
    const { desk, user } = await idlingDesk();
    const off = await setPush(desk, false);
    expect(off.push).toMatchObject({ enabled: false, state: 'off' });
    await eventually(async () => !(await dovecot.sessions()).has(user));
    // Interval runs still bring mail in; push does not, so nothing happens for a while.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await dovecot.sessions()).has(user)).toBe(false);
    expect((await setPush(desk, 'yes' as unknown as boolean, 400)).code).toBeDefined();
    await setPush(desk, true);
    await pushReaches(desk, 'idle');
    await mailToTicket(dovecot, user, desk, 'On again');
  });

  it('is off while sync is stopped, and a stop closes the connection', async () => {
    const { desk, user } = await idlingDesk();
    await desk.stop();
    expect(await pushOf(desk)).toMatchObject({ enabled: true, state: 'off' });
    await eventually(async () => !(await dovecot.sessions()).has(user));
  });
});
