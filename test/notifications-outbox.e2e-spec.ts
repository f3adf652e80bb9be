import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { parseConfig } from '../src/config/parse-config';
import { createApp } from '../src/create-app';
import { TransactionRunner } from '../src/database/transaction-runner';
import { TicketsService } from '../src/tickets/tickets.service';
import { startMailSystem, type MailSystem } from './harness/mail-system';
import { inboundEmail } from './support/inbound-email';
import { eventually } from './support/messages';
import {
  countNotificationEvents,
  mailbox,
  notifications,
  NOTIFY_ENV,
  openNotifyingDesk,
  settle,
  type NotifyingDesk,
} from './support/notification-desk';
import { startTestApp, testEnv, type TestApp } from './support/test-app';
import { usingPostgres } from './support/test-database';

/**
 * The outbox's promises: a row exactly when the event's transaction commits, each message delivered
 * once however long the server is away, transient failures retried, permanent ones stopped with the
 * server's reason and retryable by an admin, and several instances sharing one outbox on PostgreSQL.
 */
describe('notifications: the outbox and its sender', () => {
  let mail: MailSystem;
  let testApp: TestApp;

  beforeAll(async () => {
    [mail, testApp] = await Promise.all([startMailSystem(), startTestApp(NOTIFY_ENV)]);
  });
  afterAll(async () => {
    await testApp?.close();
    await mail?.close();
  });
  afterEach(async () => {
    mail.smtp.rejectWith = null;
    await mail.smtp.start();
  });

  const open = () => openNotifyingDesk(testApp, mail, { start: false });
  const requester = () => `cust-${randomUUID().slice(0, 8)}@customer.test`;

  /** A ticket opened by the agent for `email`; waits until its first mail to the requester is out. */
  async function ticketFor(support: NotifyingDesk, email: string): Promise<string> {
    const response = await testApp
      .http()
      .post('/api/v1/tickets')
      .auth(support.agent.token, { type: 'bearer' })
      .send({ subject: 'Printer on fire', body: 'We opened this ticket for you.', requesterEmail: email })
      .expect(201);
    const ticketId = response.body.id as string;
    await eventually(async () => {
      const rows = await notifications(testApp, support, `?ticketId=${ticketId}`);
      return rows.length > 0 && rows.every((row) => row.status === 'sent');
    });
    return ticketId;
  }

  const comment = (support: NotifyingDesk, ticketId: string, body: string, internal = false) =>
    testApp
      .http()
      .post(`/api/v1/tickets/${ticketId}/comments`)
      .auth(support.agent.token, { type: 'bearer' })
      .send({ body, internal })
      .expect(201);

  /** How many times the server accepted the message with this Message-ID (the header may be folded). */
  const countOnServer = (messageId: string) => {
    const header = new RegExp(`^Message-ID:\\s+${messageId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'mi');
    return mail.smtp.messages.filter((m) => header.test(m.raw.toString())).length;
  };

  it('delivers every message exactly once after the SMTP server was down for a while', async () => {
    const support = await open();
    const email = requester();
    const ticketId = await ticketFor(support, email);
    await mail.smtp.stop();
    for (const body of ['First update.', 'Second update.', 'Third update.']) await comment(support, ticketId, body);
    await comment(support, ticketId, 'Internal: the customer is difficult.', true);
    // The sender keeps trying (and failing) while the server is away.
    const waiting = await eventually(async () => {
      const rows = (await notifications(testApp, support, `?ticketId=${ticketId}`)).filter(
        (row) => row.kind === 'agentReplied' && row.status === 'queued',
      );
      return rows.length === 3 && rows.every((row) => row.attempts >= 2) && rows;
    });
    expect(waiting.every((row) => row.reason?.startsWith('refused: '))).toBe(true);
    await settle(1_500);
    await mail.smtp.start();
    const sent = await eventually(async () => {
      const rows = await notifications(testApp, support, `?ticketId=${ticketId}`);
      return rows.every((row) => row.status === 'sent') && rows;
    }, 20_000);
    await settle();
    const replies = sent.filter((row) => row.kind === 'agentReplied');
    expect(replies).toHaveLength(4);
    for (const row of replies) expect(countOnServer(row.messageId)).toBe(1);
    const received = (await mailbox(mail.dovecot, email.split('@')[0])).map((m) => m.text?.split('\n')[0]);
    expect(received.sort()).toEqual(
      ['First update.', 'Second update.', 'Third update.', 'We opened this ticket for you.'].sort(),
    );
  });

  it('stops a permanently refused message with the reason, and sends it again on retry', async () => {
    const support = await open();
    const ticketId = await ticketFor(support, requester());
    mail.smtp.rejectWith = { code: 550, message: 'Mailbox unavailable' };
    await comment(support, ticketId, 'Can you hear me?');
    const failed = await eventually(async () =>
      (await notifications(testApp, support, '?status=failed')).find((row) => row.ticketId === ticketId),
    );
    expect(failed).toMatchObject({
      status: 'failed',
      attempts: 1,
      reason: expect.stringMatching(/^550: .*Mailbox unavailable/),
    });
    mail.smtp.rejectWith = null;
    await settle(500);
    expect(countOnServer(failed.messageId)).toBe(0);
    const retried = await testApp.http().post(`/api/v1/notifications/${failed.id}/retry`).set(support.auth).expect(200);
    expect(retried.body).toMatchObject({ id: failed.id, status: 'queued', attempts: 0 });
    await eventually(async () =>
      (await notifications(testApp, support, '?status=sent')).some((r) => r.id === failed.id),
    );
    expect(countOnServer(failed.messageId)).toBe(1);
    const again = await testApp.http().post(`/api/v1/notifications/${failed.id}/retry`).set(support.auth).expect(409);
    expect(again.body.code).toBe('NOTIFICATION_NOT_RETRYABLE');
  });

  it('retries a temporarily refused message (4xx) with back-off until it goes through', async () => {
    const support = await open();
    const ticketId = await ticketFor(support, requester());
    mail.smtp.rejectWith = { code: 451, message: 'Greylisted, try again later' };
    await comment(support, ticketId, 'Greylisted reply');
    const waiting = await eventually(async () =>
      (await notifications(testApp, support, `?ticketId=${ticketId}&status=queued`)).find((row) => row.attempts >= 2),
    );
    // The reply code once, then the server's text (not "451: 451 Greylisted").
    expect(waiting.reason).toMatch(/^451: Greylisted, try again later/);
    expect(waiting.reason?.match(/451/g)).toHaveLength(1);
    mail.smtp.rejectWith = null;
    const sent = await eventually(async () =>
      (await notifications(testApp, support, `?ticketId=${ticketId}&status=sent`)).find((row) => row.id === waiting.id),
    );
    expect(sent.attempts).toBeGreaterThanOrEqual(2);
    expect(countOnServer(sent.messageId)).toBe(1);
  });

  it('writes the outbox row in the transaction of the event: nothing for work that rolled back', async () => {
    const support = await open();
    const organizationId = support.desk.tenant.organizationId;
    const tickets = testApp.app.get(TicketsService);
    const events = () => countNotificationEvents(testApp, organizationId);
    const email = (subject: string) =>
      inboundEmail({ subject, from: { address: 'rolled@customer.test', name: 'Rolled Back' } });
    const before = await events();
    await expect(
      testApp.app.get(TransactionRunner).run(async (manager) => {
        await tickets.createTicketFromEmail(organizationId, email('Rolled back'), manager);
        throw new Error('the watermark could not be saved');
      }),
    ).rejects.toThrow('the watermark could not be saved');
    expect(await events()).toBe(before);
    const created = await tickets.createTicketFromEmail(organizationId, email('Committed'));
    expect(await events()).toBe(before + 1);
    await eventually(async () =>
      (await notifications(testApp, support, `?ticketId=${created.ticketId}`)).some(
        (row) => row.kind === 'ticketReceived' && row.status === 'sent',
      ),
    );
    await settle();
    expect(await mailbox(mail.dovecot, 'rolled')).toHaveLength(1);
  });

  (usingPostgres() ? it : it.skip)(
    'lets several instances drain one outbox on PostgreSQL without sending anything twice',
    async () => {
      const support = await open();
      await testApp
        .http()
        .put('/api/v1/settings/notifications')
        .set(support.auth)
        .send({ notifications: { newTicket: { enabled: false } } })
        .expect(200);
      const storage = {
        dataDir: testApp.config.dataDir,
        database: { dialect: 'postgres' as const, url: testApp.config.databaseUrl!, drop: async () => undefined },
      };
      const others: INestApplication[] = [];
      try {
        for (let i = 0; i < 2; i += 1) {
          const app = await createApp(parseConfig(testEnv(storage, { ...NOTIFY_ENV, NOTIFY_BATCH_SIZE: '4' })));
          await app.init();
          others.push(app);
        }
        await mail.smtp.stop();
        const count = 40;
        const responses = await Promise.all(
          Array.from({ length: count }, (_, i) =>
            testApp
              .http()
              .post('/api/v1/tickets')
              .auth(support.agent.token, { type: 'bearer' })
              .send({ subject: `Bulk ${i}`, body: `Message ${i}`, requesterEmail: `bulk-${i}@customer.test` })
              .expect(201),
          ),
        );
        expect(responses).toHaveLength(count);
        await eventually(async () => (await notifications(testApp, support, '?status=queued')).length === count);
        await mail.smtp.start();
        const sent = await eventually(async () => {
          const rows = await notifications(testApp, support, '?status=sent');
          return rows.length === count && rows;
        }, 30_000);
        await settle(1_000);
        for (const row of sent) expect(countOnServer(row.messageId)).toBe(1);
      } finally {
        await Promise.all(others.map((app) => app.close()));
      }
    },
  );
});
