import { startDovecot, type DovecotServer } from './harness/dovecot';
import { Helpdesk } from './support/helpdesk';
import { eventually } from './support/messages';
import { mailToTicket, pushReaches } from './support/push';
import { startTestApp, type TestApp } from './support/test-app';
import { createTenant } from './support/tenants';

describe('push against a server without IDLE: polling instead', () => {
  let dovecot: DovecotServer;
  let testApp: TestApp;

  beforeAll(async () => {
    dovecot = await startDovecot({ idle: false, users: [{ user: 'noidle', password: 'mailbox-secret' }] });
    // The interval stays at 300 s: mail within seconds comes from the watch connection's NOOP polls.
    testApp = await startTestApp({
      MAIL_ALLOW_PRIVATE_HOSTS: 'true',
      PUSH_ENABLED: 'true',
      PUSH_POLL_INTERVAL_SECONDS: '2',
    });
  });
  afterAll(async () => {
    await testApp.close();
    await dovecot.close();
  });

  it("says 'unsupported', keeps one connection that polls, and mail still becomes tickets", async () => {
    const desk = new Helpdesk(testApp, await createTenant(testApp));
    await desk.connectIncoming(dovecot, 'noidle', 'mailbox-secret');
    await desk.start({ from: 'current-date' });
    const push = await pushReaches(desk, 'unsupported');
    expect(push).toMatchObject({ enabled: true, error: null });
    await eventually(async () => (await dovecot.sessions()).get('noidle') === 1);
    const latency = await mailToTicket(dovecot, 'noidle', desk, 'Polled in');
    process.stdout.write(`push without IDLE (NOOP every 2 s): mail → ticket in ${latency} ms\n`);
    await mailToTicket(dovecot, 'noidle', desk, 'Polled again');
    expect((await desk.allSubjects()).sort()).toEqual(['Polled again', 'Polled in']);
    // Once the runs' own sessions are gone: still the one watch connection, still polling.
    await eventually(async () => (await dovecot.sessions()).get('noidle') === 1);
    expect((await desk.status()).push.state).toBe('unsupported');
  });
});
