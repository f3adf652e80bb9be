import { DataSource } from 'typeorm';
import type { DovecotServer } from '../harness/dovecot';
import { mailbox, settle, SMTP_LOGIN, type NotifyingDesk, type ReceivedMail } from './notification-desk';
import { MAILBOX_PASSWORD, type SupportDesk } from './support-desk';
import type { TestApp } from './test-app';
import { usingPostgres } from './test-database';
import type { TestUser } from './tenants';

/** Alert checks every second, three failed runs open an incident; mail may go to loopback servers. */
export const ALERT_ENV = {
  MAIL_ALLOW_PRIVATE_HOSTS: 'true',
  MAIL_CONNECT_TIMEOUT_MS: '3000',
  ALERT_SYNC_FAILURES: '3',
  ALERT_CHECK_INTERVAL_SECONDS: '1',
};

export interface IncidentView {
  id: string;
  kind: string;
  status: string;
  title: string;
  since: string;
  lastError: string | null;
  hint: string;
  acknowledgedAt: string | null;
}

/** The Dovecot mailbox that mail to a user's address lands in (the harness SMTP delivers by local part). */
export const mailboxOf = (user: Pick<TestUser, 'email'>) => user.email.split('@')[0];

/**
 * Alert mail in the user's mailbox (our header says which incident and notice), optionally only of one
 * notice (`opened`, `reminder`, `recovered`) and kind.
 */
export async function alertMail(
  dovecot: DovecotServer,
  user: TestUser,
  notice?: string,
  kind?: string,
): Promise<ReceivedMail[]> {
  return (await mailbox(dovecot, mailboxOf(user))).filter((mail) => {
    const header = mail.header('x-helpdesk-alert');
    if (!header) return false;
    return (!notice || header.includes(`notice=${notice}`)) && (!kind || header.startsWith(`${kind};`));
  });
}

/** Points the organization's outgoing settings at a server, logging in as the harness's sender. */
export async function setOutgoing(
  testApp: TestApp,
  support: NotifyingDesk,
  server: { host: string; port: number; security: 'none' | 'starttls' },
): Promise<void> {
  await testApp
    .http()
    .put('/api/v1/settings/email/outgoing')
    .set(support.auth)
    .send({
      host: server.host,
      port: server.port,
      security: server.security,
      useIncomingCredentials: false,
      username: SMTP_LOGIN.user,
      password: SMTP_LOGIN.password,
      fromAddress: support.address,
      verifyCertificate: false,
    })
    .expect(200);
}

/** Bearer header of a user. */
export const bearer = (user: Pick<TestUser, 'token'>) => ({ Authorization: `Bearer ${user.token}` });

export async function alerts(testApp: TestApp, admin: TestUser): Promise<IncidentView[]> {
  return (await testApp.http().get('/api/v1/alerts').set(bearer(admin)).expect(200)).body as IncidentView[];
}

/** The mailbox refuses sync's login (its password changed under it) or takes it again. */
export async function breakMailbox(dovecot: DovecotServer, support: SupportDesk): Promise<void> {
  await dovecot.addUser(support.user, 'changed-elsewhere');
}

export async function repairMailbox(dovecot: DovecotServer, support: SupportDesk): Promise<void> {
  await dovecot.addUser(support.user, MAILBOX_PASSWORD);
}

/** Runs "Sync now" `times` times, each expected to fail (and finish). */
export async function failRuns(support: SupportDesk, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const run = await support.desk.syncNow();
    if (run.status !== 'failed') throw new Error(`Run ${i + 1} did not fail: ${run.status}`);
  }
}

/** Lets the periodic check run a few times, so "no more mail" is not just "not yet". */
export const settleChecks = () => settle(2_500);

/**
 * Moves an incident's last notice back by a day and a minute, as if a day had passed (the reminder
 * period is fixed at a day; tests cannot wait that long).
 */
export async function ageNotices(testApp: TestApp, incidentId: string): Promise<void> {
  const dayAgo = new Date(Date.now() - 24 * 3600 * 1000 - 60_000);
  const p = (n: number) => (usingPostgres() ? `$${n}` : '?');
  const stamp = usingPostgres() ? dayAgo : dayAgo.toISOString().replace('T', ' ').replace('Z', '');
  await testApp.app
    .get(DataSource)
    .query(`UPDATE incidents SET opened_notified_at = ${p(1)}, reminded_at = NULL WHERE id = ${p(2)}`, [
      stamp,
      incidentId,
    ]);
}
