import type { Env } from '../../src/config/parse-config';
import { startDovecot, type DovecotServer } from '../harness/dovecot';
import { openSupportDesk, type SupportDesk } from './support-desk';
import { startTestApp, type TestApp } from './test-app';

/** What the sync specs share: one Dovecot and one app for the whole spec file. */
export interface SyncFixture {
  readonly dovecot: DovecotServer;
  readonly testApp: TestApp;
  /** A new organization with a support mailbox of its own (see openSupportDesk). */
  desk(opts?: Parameters<typeof openSupportDesk>[2]): Promise<SupportDesk>;
}

/**
 * Registers the spec file's set-up and tear-down: Dovecot and the app start together before the first
 * test and both close after the last (the app first, so no run is left talking to a stopped server).
 */
export function syncFixture(env: Env = { MAIL_ALLOW_PRIVATE_HOSTS: 'true' }): SyncFixture {
  let dovecot: DovecotServer | undefined;
  let testApp: TestApp | undefined;
  const started = <T>(value: T | undefined, what: string): T => {
    if (!value) throw new Error(`The sync fixture's ${what} is used before its beforeAll ran`);
    return value;
  };
  beforeAll(async () => {
    [dovecot, testApp] = await Promise.all([startDovecot(), startTestApp(env)]);
  });
  afterAll(async () => {
    await testApp?.close();
    await dovecot?.close();
  });
  return {
    get dovecot() {
      return started(dovecot, 'Dovecot');
    },
    get testApp() {
      return started(testApp, 'app');
    },
    desk: (opts) => openSupportDesk(started(testApp, 'app'), started(dovecot, 'Dovecot'), opts),
  };
}
