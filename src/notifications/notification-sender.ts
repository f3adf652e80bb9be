import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { DomainEventPublisher } from '../database/domain-event-publisher';
import type { EmailSettingsChangedEvent } from '../common/events/domain-events';
import { AppConfig } from '../config/app-config';
import { TransactionRunner } from '../database/transaction-runner';
import type { MailerPool, OutgoingMessage } from '../mailer/mailer.types';
import { SmtpSendError } from '../mailer/smtp-send-error';
import { MailerService } from '../mailer/mailer.service';
import { EmailSettingsService, type OutgoingConnection } from '../settings/email-settings.service';
import { MailboxGrantError } from '../settings/mailbox-grant-error';
import { sendingWithFreshToken, waitingForGrant } from './fresh-token-sending';
import { MailerPools } from './mailer-pools';
import { NotificationPlanner } from './notification-planner';
import type { Notification } from './notification.entity';
import { NotificationsRepository, type DeliveryOutcome } from './notifications.repository';

/** Pools unused this long are closed (the next message opens a new one). */
const POOL_IDLE_MS = 60_000;
/**
 * Woken again this soon after a round began, the next round waits until this long after it: a sync
 * commits a batch every few dozen milliseconds, and a round per commit was three transactions each
 * (gathering them took a 2,000-message sync on PostgreSQL from 1,332 statements to 1,106). A wake after
 * a quiet spell, and the poll, go at once.
 */
const MIN_WOKEN_ROUND_GAP_MS = 500;

/** One organization's share of a batch, as it was sent. */
interface OrganizationOutcomes {
  organizationId: string;
  outcomes: DeliveryOutcome[];
}

/** A failure of the connection (not of this message): the rest of the batch waits for the next round. */
interface ClaimedBatch {
  rows: Notification[];
  /** After this, no new send is started (its rows go back to the queue): set when a renewal failed. */
  deadline: number;
}

function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof SmtpSendError)) return false;
  return error.reason !== 'protocol' || error.responseCode === undefined || error.responseCode === 421;
}

function describe(error: unknown): string {
  if (error instanceof SmtpSendError) {
    const code = error.responseCode;
    // The server's reply usually starts with its code already ("451 delivery failed"): say it once.
    const message = code === undefined ? error.message : error.message.replace(new RegExp(`^${code}[ -]`), '');
    return `${code ?? error.reason}: ${message}${error.hint ? ` (${error.hint})` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}

export function toOutgoingMessage(row: Notification, from: OutgoingConnection['from']): OutgoingMessage {
  return {
    from,
    to: [row.recipient],
    subject: row.subject,
    text: row.bodyText,
    html: row.bodyHtml,
    headers: row.headers,
    messageId: row.messageId,
    inReplyTo: row.inReplyTo ?? undefined,
    references: row.references ? row.references.split(' ') : undefined,
  };
}

/**
 * Drains the outbox: one loop per process that plans pending events, claims due messages (a lease per
 * row; `FOR UPDATE SKIP LOCKED` on PostgreSQL so several instances share the work without overlap),
 * sends them through a pooled connection per organization, and records each outcome. Transient
 * failures come back with exponential back-off; permanent ones (5xx) fail with the server's reason.
 * Woken after every commit that queued mail; otherwise it looks every NOTIFY_POLL_INTERVAL_MS.
 */
@Injectable()
export class NotificationSender implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(NotificationSender.name);
  /** Identifies this process's leases. */
  private readonly owner = randomUUID();
  private readonly pools: MailerPools;
  /** Claimed batches whose sends are not over: a failed lease renewal stops them starting more. */
  private readonly inFlight = new Set<ClaimedBatch>();
  private loop: Promise<void> | null = null;
  private stopping = false;
  private woken = false;
  private wakeUp: (() => void) | null = null;
  private endPause: (() => void) | null = null;

  constructor(
    private readonly planner: NotificationPlanner,
    private readonly notifications: NotificationsRepository,
    private readonly emailSettings: EmailSettingsService,
    private readonly transactions: TransactionRunner,
    private readonly config: AppConfig,
    private readonly events: DomainEventPublisher,
    mailer: MailerService,
  ) {
    this.pools = new MailerPools(mailer, config.notifications.poolConnections);
  }

  onApplicationBootstrap(): void {
    if (this.config.notifications.senderEnabled) this.loop = this.run();
  }

  /** Stops taking work, lets messages in flight finish and record their outcome, closes the pools. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.endPause?.();
    this.wake();
    await this.loop;
    this.loop = null;
    this.pools.closeAll();
  }

  /** Something was queued: look now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  @OnEvent('settings.email.changed')
  onSettingsChanged(event: EmailSettingsChangedEvent): void {
    if (event.section === 'outgoing') this.pools.close(event.organizationId);
  }

  /**
   * One round: plan pending events, then send what is due. Returns whether another round should
   * follow at once: when the planner took a full batch, more events may be waiting.
   */
  private async runOnce(): Promise<boolean> {
    const planned = await this.planner.planPending();
    if (this.stopping) return false;
    await this.drainDue();
    return planned >= this.config.notifications.batchSize;
  }

  /**
   * Rounds until stopped. After a round that did not fill a batch it waits for a wake (or the poll):
   * everything pending when it started was handled, and what committed since has woken it already.
   * An empty round after every busy one cost a sync batch two more transactions. Wakes that come
   * quickly after a round are gathered into the next one (MIN_WOKEN_ROUND_GAP_MS).
   */
  private async run(): Promise<void> {
    while (!this.stopping) {
      const roundStarted = Date.now();
      let more = false;
      try {
        more = await this.runOnce();
        this.pools.closeIdle(POOL_IDLE_MS);
      } catch (error) {
        if (!this.stopping) this.logger.error({ err: error }, 'The notification sender round failed');
      }
      if (!more && !this.stopping) {
        const woken = await this.idle(this.config.notifications.pollIntervalMs);
        if (woken) await this.pause(roundStarted + MIN_WOKEN_ROUND_GAP_MS - Date.now());
      }
    }
  }

  /** Waits, whatever wakes come meanwhile (they are remembered for the next idle); shutdown ends it. */
  private pause(ms: number): Promise<void> {
    if (ms <= 0 || this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.endPause = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.endPause = done;
    });
  }

  /** Waits for a wake or the poll; answers whether a wake ended it. */
  private idle(ms: number): Promise<boolean> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const done = (woken: boolean) => {
        clearTimeout(timer);
        this.wakeUp = null;
        this.woken = false;
        resolve(woken);
      };
      const timer = setTimeout(() => done(false), ms);
      this.wakeUp = () => done(true);
    });
  }

  /**
   * Sends everything that is due, batch after batch, as a pipeline: the next batch is claimed while the
   * current one is being sent, and outcomes are recorded while the next one is sent.
   */
  private async drainDue(): Promise<void> {
    const renewal = setInterval(() => void this.renewLeases(), this.config.notifications.leaseMs / 3);
    try {
      let recording: Promise<void> = Promise.resolve();
      let batch = await this.claim();
      while (batch.rows.length > 0) {
        const sending = this.sendBatch(batch);
        const next = this.stopping ? { rows: [], deadline: 0 } : await this.claim();
        const groups = await sending;
        this.inFlight.delete(batch);
        await recording;
        recording = this.record(groups);
        batch = next;
      }
      await recording;
    } finally {
      clearInterval(renewal);
      this.inFlight.clear();
    }
  }

  private async claim(): Promise<ClaimedBatch> {
    const { batchSize, leaseMs } = this.config.notifications;
    const now = new Date();
    const leaseUntil = new Date(now.getTime() + leaseMs);
    const rows = await this.transactions.run((manager) =>
      this.notifications.claimDue(manager, this.owner, now, leaseUntil, batchSize),
    );
    const batch = { rows, deadline: Infinity };
    this.inFlight.add(batch);
    return batch;
  }

  /**
   * Keeps this instance's claims while it sends (every third of NOTIFY_LEASE_SECONDS): the leases stay
   * short, so the claims of an instance that died (kill -9) lapse and go out from another within one.
   */
  private async renewLeases(): Promise<void> {
    const leaseUntil = new Date(Date.now() + this.config.notifications.leaseMs);
    try {
      await this.transactions.run((manager) => this.notifications.renewLeases(manager, this.owner, leaseUntil));
    } catch (error) {
      // Unrenewed, the claims lapse and another instance may take them: start no more sends from them.
      for (const batch of this.inFlight) batch.deadline = 0;
      this.logger.error({ err: error }, 'Could not renew the notification leases');
    }
  }

  private async sendBatch({ rows, deadline }: ClaimedBatch): Promise<OrganizationOutcomes[]> {
    const byOrganization = new Map<string, Notification[]>();
    for (const row of rows)
      byOrganization.set(row.organizationId, [...(byOrganization.get(row.organizationId) ?? []), row]);
    const sent = [...byOrganization].map(async ([organizationId, group]) => ({
      organizationId,
      outcomes: await this.sendAll(organizationId, group, deadline),
    }));
    return Promise.all(sent);
  }

  private async record(groups: OrganizationOutcomes[]): Promise<void> {
    const outcomes = groups.flatMap((group) => group.outcomes);
    try {
      const recorded = await this.transactions.run((manager) =>
        this.notifications.recordOutcomes(manager, this.owner, outcomes),
      );
      if (recorded < outcomes.length) {
        this.logger.warn(
          { lost: outcomes.length - recorded },
          'Some notification leases expired before their outcome was recorded',
        );
      }
      // After a lease expired (warned above) the counts include rows another sender settles again: a
      // rare over-count, where counting nothing would hide every delivery of the batch.
      for (const group of groups) this.announceSettled(group);
    } catch (error) {
      // The rows keep their lease and are sent again after it: at least once rather than never.
      this.logger.error({ err: error, outcomes: outcomes.length }, 'Could not record notification outcomes');
    }
  }

  /** Final outcomes only: a retry ('queued') or a row handed back ('released') is not settled yet. */
  private announceSettled({ organizationId, outcomes }: OrganizationOutcomes): void {
    let sent = 0;
    let failed = 0;
    for (const outcome of outcomes) {
      if (outcome.status === 'sent') sent += 1;
      else if (outcome.status === 'failed') failed += 1;
    }
    if (sent + failed > 0)
      this.events.publish('notification.delivery.settled', { organizationId, sent, failed, suppressed: 0 });
  }

  /** Sends one organization's rows over its pool, a few at a time; stops early when the server is down. */
  private async sendAll(organizationId: string, rows: Notification[], deadline: number): Promise<DeliveryOutcome[]> {
    let connection: OutgoingConnection | null;
    let pool: MailerPool;
    try {
      connection = await this.emailSettings.getOutgoingConnection(organizationId);
      if (!connection) {
        return rows.map((row) => ({
          id: row.id,
          status: 'failed',
          attempts: row.attempts,
          reason: 'No outgoing email settings',
        }));
      }
      pool = await this.pools.get(organizationId, connection.settings);
    } catch (error) {
      // No connection at all: the whole batch shares this attempt's outcome.
      return rows.map((row) => this.retryOutcome(row, error));
    }
    const from = connection.from;
    const send = sendingWithFreshToken(pool, connection.settings, async () => {
      this.pools.close(organizationId);
      const fresh = await this.emailSettings.getOutgoingConnection(organizationId, { forceRefresh: true });
      return fresh ? this.pools.get(organizationId, fresh.settings) : null;
    });
    const queue = [...rows];
    const outcomes: DeliveryOutcome[] = [];
    let serverDown: unknown = null;
    const worker = async () => {
      for (let row = queue.shift(); row; row = queue.shift()) {
        if (serverDown) {
          // The server went away: the rest of the batch counts this attempt too and waits with it.
          outcomes.push(this.retryOutcome(row, serverDown));
        } else if (this.stopping || Date.now() > deadline) {
          outcomes.push({ id: row.id, status: 'released', nextAttemptAt: new Date() });
        } else {
          try {
            const result = await send(toOutgoingMessage(row, from));
            outcomes.push({ id: row.id, status: 'sent', response: result.response.slice(0, 500) });
          } catch (error) {
            outcomes.push(this.retryOutcome(row, error));
            if (isConnectionFailure(error) && !serverDown) {
              serverDown = error;
              this.pools.close(organizationId);
            }
          }
        }
      }
    };
    // Twice as many sends in flight as connections, so a connection that finishes finds the next message waiting.
    await Promise.all(Array.from({ length: this.config.notifications.poolConnections * 2 }, worker));
    return outcomes;
  }

  private retryOutcome(row: Notification, error: unknown): DeliveryOutcome {
    const { maxAttempts, retryBaseMs, retryMaxMs } = this.config.notifications;
    if (error instanceof MailboxGrantError) return waitingForGrant(row, error, retryBaseMs);
    const attempts = row.attempts + 1;
    const reason = describe(error);
    if (error instanceof SmtpSendError && error.permanent) return { id: row.id, status: 'failed', attempts, reason };
    if (attempts >= maxAttempts) {
      return { id: row.id, status: 'failed', attempts, reason: `Gave up after ${attempts} attempts: ${reason}` };
    }
    // Exponential back-off with ±20 % jitter, so a recovering server is not hit by every row at once.
    const delay = Math.min(retryBaseMs * 2 ** (attempts - 1), retryMaxMs) * (0.8 + Math.random() * 0.4);
    return { id: row.id, status: 'queued', attempts, reason, nextAttemptAt: new Date(Date.now() + delay) };
  }
}
