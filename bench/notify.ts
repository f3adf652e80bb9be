/**
 * `npm run bench:notify [-- --count N]`: drains N (default 5,000) queued notifications through the
 * product's sender to a loopback SMTP server, and in the same run sends the very same messages with
 * nodemailer straight from a pool (same number of connections): prints both rates and their ratio,
 * on SQLite, and on PostgreSQL when it answers at TEST_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres). The server runs in a child process. Asserts nothing.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { DataSource } from 'typeorm';
import type { OutgoingMessage } from '../src/mailer/mailer.types';
import { compose } from '../src/notifications/notification-composer';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../src/notifications/notification-kinds';
import { NotificationSender, toOutgoingMessage } from '../src/notifications/notification-sender';
import { Notification } from '../src/notifications/notification.entity';
import { TicketsService } from '../src/tickets/tickets.service';
import { startTestApp, type TestApp } from '../test/support/test-app';
import { createTenant } from '../test/support/tenants';
import { PG_URL, postgresAnswers } from './postgres';

const CONNECTIONS = Number(process.env.NOTIFY_POOL_CONNECTIONS ?? 3);
const FROM = { address: 'support@bench.test', name: 'Bench Support' };

function argCount(): number {
  const at = process.argv.indexOf('--count');
  return at >= 0 ? Number(process.argv[at + 1]) : 5_000;
}

const seconds = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e9;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class Sink {
  private pending: ((stats: { count: number; duplicates: number }) => void)[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.on('message', (message: { type: string; count: number; duplicates: number }) => {
      if (message.type === 'stats') this.pending.shift()?.({ count: message.count, duplicates: message.duplicates });
    });
  }

  static start(): Promise<Sink> {
    const child = fork(join(__dirname, 'notify-smtp-sink.js'), [], { stdio: 'inherit' });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('message', (message: { type: string; port: number }) => resolve(new Sink(child, message.port)));
    });
  }

  private ask(type: 'stats' | 'reset'): Promise<{ count: number; duplicates: number }> {
    return new Promise((resolve) => {
      this.pending.push(resolve);
      this.child.send({ type });
    });
  }

  stats = () => this.ask('stats');
  reset = () => this.ask('reset');

  async waitFor(count: number): Promise<void> {
    while ((await this.stats()).count < count) await sleep(5);
  }

  stop(): void {
    this.child.disconnect();
  }
}

/** The same mapping the SMTP driver uses (src/mailer/drivers/smtp-transport.ts). */
function mailOptions(message: OutgoingMessage): SendMailOptions {
  return {
    from: { name: message.from.name ?? '', address: message.from.address },
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    headers: message.headers,
    messageId: message.messageId,
    inReplyTo: message.inReplyTo,
    references: message.references,
  };
}

/** N realistic outbox rows for one ticket: an acknowledgment each, to N different customers, threaded. */
function rows(count: number, organizationId: string, ticketId: string, notBefore: Date): Notification[] {
  const template = DEFAULT_NOTIFICATION_SETTINGS.templates.ticketReceived;
  const thread = [`${randomUUID()}@customer.test`];
  return Array.from({ length: count }, (_, i) => {
    const row = compose(
      {
        kind: 'ticketReceived',
        recipient: `customer-${i}@customer.test`,
        values: {
          'ticket.number': '1',
          'ticket.subject': `Printer on fire, floor ${i % 12}`,
          'requester.name': `Customer ${i}`,
          'requester.email': `customer-${i}@customer.test`,
        },
      },
      template,
      {
        organizationId,
        ticketId,
        ticketNumber: 1,
        ticketSubject: 'Printer on fire',
        eventId: randomUUID(),
        secret: 'bench-secret-bench-secret-bench-secret',
        fromAddress: FROM.address,
        replyTo: null,
        thread,
      },
      notBefore,
    );
    return row;
  });
}

/**
 * nodemailer alone. `all`: every message handed to the pool at once (its own queue); `windowed`: a few
 * more in flight than connections, as the sender does. The faster of the two is the baseline.
 */
async function baseline(sink: Sink, messages: OutgoingMessage[], mode: 'all' | 'windowed'): Promise<number> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: sink.port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: CONNECTIONS,
    logger: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  await sink.reset();
  const started = process.hrtime.bigint();
  if (mode === 'all') {
    await Promise.all(messages.map((message) => transport.sendMail(mailOptions(message))));
  } else {
    const queue = [...messages];
    const worker = async () => {
      for (let message = queue.shift(); message; message = queue.shift())
        await transport.sendMail(mailOptions(message));
    };
    await Promise.all(Array.from({ length: CONNECTIONS * 2 }, worker));
  }
  const elapsed = seconds(started);
  transport.close();
  const stats = await sink.stats();
  if (stats.count !== messages.length) throw new Error(`baseline: the server got ${stats.count} of ${messages.length}`);
  return messages.length / elapsed;
}

interface DrainResult {
  delivered: number;
  recorded: number;
  duplicates: number;
  messages: OutgoingMessage[];
}

/** The product: N rows queued in the outbox, then woken; timed to the last one recorded as sent. */
async function drain(sink: Sink, count: number): Promise<DrainResult> {
  const testApp: TestApp = await startTestApp({
    MAIL_ALLOW_PRIVATE_HOSTS: 'true',
    NOTIFY_POOL_CONNECTIONS: String(CONNECTIONS),
    NOTIFY_POLL_INTERVAL_MS: '1000',
  });
  try {
    const tenant = await createTenant(testApp);
    const auth = { Authorization: `Bearer ${tenant.admin.token}` };
    await testApp
      .http()
      .put('/api/v1/settings/email/outgoing')
      .set(auth)
      .send({
        host: '127.0.0.1',
        port: sink.port,
        security: 'none',
        authentication: 'none',
        fromAddress: FROM.address,
        fromName: FROM.name,
      })
      .expect(200);
    const { ticketId } = await testApp.app.get(TicketsService).createTicketFromEmail(tenant.organizationId, {
      subject: 'Printer on fire',
      from: { address: 'carol@customer.test', name: 'Carol' },
      cc: [],
      messageId: `<${randomUUID()}@customer.test>`,
      text: 'It is on fire.',
      html: null,
      fullText: 'It is on fire.',
      attachments: [],
      receivedAt: new Date(),
    });
    const repository = testApp.app.get(DataSource).getRepository(Notification);
    // The ticket's own acknowledgment and agent notice go out first; then the outbox is filled, not yet due.
    while ((await repository.countBy({ organizationId: tenant.organizationId, status: 'sent' })) < 2) await sleep(20);
    const queued = rows(count, tenant.organizationId, ticketId, new Date('2100-01-01T00:00:00Z'));
    for (let start = 0; start < queued.length; start += 500) await repository.insert(queued.slice(start, start + 500));
    await sink.reset();
    const started = process.hrtime.bigint();
    await repository.update({ organizationId: tenant.organizationId, status: 'queued' }, { nextAttemptAt: new Date() });
    testApp.app.get(NotificationSender).wake();
    await sink.waitFor(count);
    const delivered = seconds(started);
    while ((await repository.countBy({ organizationId: tenant.organizationId, status: 'sent' })) < count + 2)
      await sleep(5);
    const recorded = seconds(started);
    const { duplicates } = await sink.stats();
    return {
      delivered: count / delivered,
      recorded: count / recorded,
      duplicates,
      messages: queued.map((row) => toOutgoingMessage(row, FROM)),
    };
  } finally {
    await testApp.close();
  }
}

async function main(): Promise<void> {
  const count = argCount();
  const sink = await Sink.start();
  const dialects: ('sqlite' | 'postgres')[] = ['sqlite'];
  if (await postgresAnswers()) dialects.push('postgres');
  console.log(`bench:notify — ${count} messages, ${CONNECTIONS} SMTP connections, loopback server in a child process`);
  try {
    for (const dialect of dialects) {
      if (dialect === 'postgres') process.env.TEST_DATABASE_URL = PG_URL;
      else delete process.env.TEST_DATABASE_URL;
      // Warm up both paths (JIT, TCP), then measure: nodemailer both ways, the product, nodemailer again.
      const warm = await drain(sink, 200);
      await baseline(sink, warm.messages, 'windowed');
      await baseline(sink, warm.messages, 'all');
      const result = await drain(sink, count);
      const all = [await baseline(sink, result.messages, 'all')];
      const windowed = [await baseline(sink, result.messages, 'windowed')];
      all.push(await baseline(sink, result.messages, 'all'));
      windowed.push(await baseline(sink, result.messages, 'windowed'));
      const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
      const direct = Math.max(mean(all), mean(windowed));
      console.log(
        `${dialect.padEnd(8)} outbox drain ${result.recorded.toFixed(0)} msgs/s (all recorded as sent; ` +
          `${result.delivered.toFixed(0)} msgs/s to the last delivery), duplicates ${result.duplicates} | ` +
          `nodemailer pool: all queued ${mean(all).toFixed(0)} msgs/s, ${CONNECTIONS * 2} in flight ` +
          `${mean(windowed).toFixed(0)} msgs/s | ratio to the faster ${(result.recorded / direct).toFixed(2)} (target ≥ 0.8)`,
      );
    }
  } finally {
    sink.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
