import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { parseMessage } from '../../libs/mail/parse-message';
import type { ParsedMessage } from '../../libs/mail/parsed-message';
import type { MailSystem } from '../harness/mail-system';
import type { DovecotServer } from '../harness/dovecot';
import { eventually } from './messages';
import { openSupportDesk, type SupportDesk } from './support-desk';
import type { TestApp } from './test-app';
import { usingPostgres } from './test-database';
import { login, type TestUser } from './tenants';

/** Sender credentials on the harness SMTP server (startMailSystem's default user). */
export const SMTP_LOGIN = { user: 'support', password: 'support-secret' };

/** Quick rounds and short back-off, so retries happen within a test. */
export const NOTIFY_ENV = {
  MAIL_ALLOW_PRIVATE_HOSTS: 'true',
  MAIL_CONNECT_TIMEOUT_MS: '3000',
  NOTIFY_POLL_INTERVAL_MS: '100',
  NOTIFY_RETRY_BASE_MS: '200',
  NOTIFY_RETRY_MAX_MS: '1000',
  NOTIFY_LEASE_SECONDS: '30',
};

export interface ReceivedMail extends ParsedMessage {
  raw: string;
  header(name: string): string | undefined;
}

/** A support desk that also sends: outgoing settings on the harness SMTP server, and an agent of its own. */
export interface NotifyingDesk extends SupportDesk {
  /** An agent whose address lands in a Dovecot mailbox of its own (`agentMailbox`). */
  agent: TestUser;
  agentMailbox: string;
  /** The admin's Authorization header. */
  auth: { Authorization: string };
}

export async function openNotifyingDesk(
  testApp: TestApp,
  mail: MailSystem,
  opts: { agentEmail?: (support: SupportDesk) => string; start?: boolean } = {},
): Promise<NotifyingDesk> {
  const support = await openSupportDesk(testApp, mail.dovecot, { start: opts.start });
  const auth = { Authorization: `Bearer ${support.desk.tenant.admin.token}` };
  await testApp
    .http()
    .put('/api/v1/settings/email/outgoing')
    .set(auth)
    .send({
      host: mail.smtp.host,
      port: mail.smtp.port,
      security: 'starttls',
      useIncomingCredentials: false,
      username: SMTP_LOGIN.user,
      password: SMTP_LOGIN.password,
      fromAddress: support.address,
      fromName: 'Acme Support',
      verifyCertificate: false,
    })
    .expect(200);
  const slug = randomBytes(4).toString('hex');
  const email = opts.agentEmail?.(support) ?? `agent-${slug}@agents.test`;
  const password = `agent-password-${slug}`;
  const created = await testApp
    .http()
    .post('/api/v1/users')
    .set(auth)
    .send({ email, password, name: 'Alice Agent', role: 'agent' })
    .expect(201);
  const token = await login(testApp, email, password);
  return {
    ...support,
    agent: { id: created.body.id as string, email, password, token },
    agentMailbox: email.split('@')[0],
    auth,
  };
}

/** Everything in a Dovecot user's INBOX, parsed; empty when the user has had no mail yet. */
export async function mailbox(dovecot: DovecotServer, user: string): Promise<ReceivedMail[]> {
  if (!dovecot.hasUser(user)) return [];
  const stored = await dovecot.list(user);
  return Promise.all(
    stored.map(async ({ source }) => {
      const parsed = await parseMessage(source);
      return { ...parsed, raw: source.toString(), header: (name: string) => parsed.headers[name.toLowerCase()]?.[0] };
    }),
  );
}

/** Waits until the mailbox holds a message matching `predicate`. */
export function waitForMail(
  dovecot: DovecotServer,
  user: string,
  predicate: (mail: ReceivedMail) => boolean,
  timeoutMs = 15_000,
): Promise<ReceivedMail> {
  return eventually(async () => (await mailbox(dovecot, user)).find(predicate), timeoutMs);
}

export interface NotificationRow {
  id: string;
  kind: string;
  ticketId: string;
  recipient: string;
  subject: string;
  status: string;
  reason: string | null;
  attempts: number;
  messageId: string;
}

export async function notifications(
  testApp: TestApp,
  desk: Pick<NotifyingDesk, 'auth'>,
  query = '',
): Promise<NotificationRow[]> {
  const response = await testApp.http().get(`/api/v1/notifications${query}`).set(desk.auth).expect(200);
  return response.body as NotificationRow[];
}

/** Lets the sender run a few rounds, so "nothing was sent" is not just "not sent yet". */
export const settle = (ms = 800) => new Promise((resolve) => setTimeout(resolve, ms));

/** How many outbox events the organization has, or only those not processed yet. */
export async function countNotificationEvents(
  testApp: TestApp,
  organizationId: string,
  opts: { pendingOnly?: boolean } = {},
): Promise<number> {
  const [row] = await testApp.app
    .get(DataSource)
    .query(
      `SELECT COUNT(*) AS n FROM notification_events WHERE organization_id = ${usingPostgres() ? '$1' : '?'}` +
        (opts.pendingOnly ? ' AND processed_at IS NULL' : ''),
      [organizationId],
    );
  return Number(row.n);
}
