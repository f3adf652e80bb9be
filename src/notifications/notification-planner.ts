import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { NotFoundError } from '../common/errors/domain-error';
import { DomainEventPublisher } from '../database/domain-event-publisher';
import { AppConfig } from '../config/app-config';
import { MESSAGE_ID_SECRET } from '../config/message-id-secret';
import { TransactionRunner } from '../database/transaction-runner';
import { OrganizationsService } from '../organizations/organizations.service';
import { EmailSettingsService } from '../settings/email-settings.service';
import type { MailIdentity } from '../settings/mail-identity';
import type { CommentSnapshot, TicketSnapshot } from '../tickets/ticket-snapshot';
import { TicketViewsService } from '../tickets/ticket-views.service';
import { TicketsService } from '../tickets/tickets.service';
import type { UserSummary } from '../users/user-summary';
import { UsersService } from '../users/users.service';
import { compose, type ComposeContext, type Draft } from './notification-composer';
import type { NotificationEvent } from './notification-event.entity';
import { NotificationEventsRepository } from './notification-events.repository';
import { REQUESTER_KINDS, type NotificationKind, type StoredNotificationSettings } from './notification-kinds';
import { NotificationSettingsService } from './notification-settings.service';
import type { TemplateValues } from './notification-templates';
import type { Notification } from './notification.entity';
import { NotificationsRepository } from './notifications.repository';
import { recipientProblem } from './recipient-policy';

/** Planning an event that keeps failing (e.g. a bug, a broken template) is given up after this many tries. */
const MAX_PLANNING_ATTEMPTS = 8;
/**
 * Mail that reached us longer ago than this (a first sync from a past date, a long outage) gets no
 * automatic mail: nobody wants a thousand acknowledgments for an import.
 */
const MAX_INBOUND_AGE_MS = 24 * 3600 * 1000;

export const LOOP_BRAKE_REASON = 'Loop brake';
export const RECIPIENT_REASON = 'Not sent to';

interface PlanningData {
  ticket: TicketSnapshot;
  settings: StoredNotificationSettings;
  users: UserSummary[];
  organizationName: string;
}

/**
 * Turns outbox events into outbox messages, once each: reads what the mail needs (after the event's
 * transaction committed), renders it, then in one transaction applies the recipient guard and the loop
 * brake, inserts the rows, records their Message-IDs on the ticket, and marks the event processed.
 */
@Injectable()
export class NotificationPlanner {
  private readonly logger = new Logger(NotificationPlanner.name);

  constructor(
    private readonly events: NotificationEventsRepository,
    private readonly notifications: NotificationsRepository,
    private readonly settings: NotificationSettingsService,
    private readonly emailSettings: EmailSettingsService,
    private readonly tickets: TicketsService,
    private readonly views: TicketViewsService,
    private readonly users: UsersService,
    private readonly organizations: OrganizationsService,
    private readonly transactions: TransactionRunner,
    private readonly config: AppConfig,
    private readonly publisher: DomainEventPublisher,
    @Inject(MESSAGE_ID_SECRET) private readonly secret: string,
  ) {}

  /**
   * Plans the next batch of pending events; returns how many it claimed. An organization's sender and
   * support address are read once per batch, and the events of organizations without outgoing settings
   * (nothing can be sent) are closed together, in one statement per organization rather than a
   * transaction per event.
   */
  async planPending(): Promise<number> {
    const { batchSize, leaseMs } = this.config.notifications;
    const now = new Date();
    const claimed = await this.transactions.run((manager) =>
      this.events.claim(manager, now, new Date(now.getTime() + leaseMs), batchSize),
    );
    const byOrganization = new Map<string, NotificationEvent[]>();
    for (const event of claimed) {
      byOrganization.set(event.organizationId, [...(byOrganization.get(event.organizationId) ?? []), event]);
    }
    for (const [organizationId, events] of byOrganization) {
      const identity = await this.identityOf(organizationId, events);
      if (identity === undefined) continue;
      if (!identity) {
        await this.finishAll(organizationId, events, 'No outgoing email settings: nothing was sent');
        continue;
      }
      for (const event of events) {
        try {
          await this.plan(event, identity);
        } catch (error) {
          await this.recordFailure(event, error);
        }
      }
    }
    return claimed.length;
  }

  /**
   * The organization's sender and support address (null without outgoing settings); undefined (with the
   * failure recorded) when they cannot be read.
   */
  private async identityOf(
    organizationId: string,
    events: NotificationEvent[],
  ): Promise<MailIdentity | null | undefined> {
    try {
      return await this.emailSettings.getMailIdentity(organizationId);
    } catch (error) {
      for (const event of events) await this.recordFailure(event, error);
      return undefined;
    }
  }

  private async plan(event: NotificationEvent, identity: MailIdentity): Promise<void> {
    const { organizationId } = event;
    const data = await this.load(event);
    const drafts = this.draft(event, data);
    if (drafts.length === 0) {
      await this.finish(event, null);
      return;
    }
    const { fromAddress, supportAddress } = identity;
    const own = new Set([fromAddress.toLowerCase(), supportAddress.toLowerCase()]);
    const context: ComposeContext = {
      organizationId,
      ticketId: data.ticket.id,
      ticketNumber: data.ticket.number,
      ticketSubject: data.ticket.subject,
      eventId: event.id,
      secret: this.secret,
      fromAddress,
      replyTo: supportAddress !== fromAddress.toLowerCase() ? supportAddress : null,
      thread: await this.tickets.listThreadMessageIds(organizationId, data.ticket.id),
    };
    const now = new Date();
    const rows = drafts.map((draft) => {
      const row = compose(draft, data.settings.templates[draft.kind], context, now);
      const problem = recipientProblem(draft.recipient, own);
      return problem ? suppress(row, `${RECIPIENT_REASON} ${draft.recipient}: ${problem}`) : row;
    });
    await this.transactions.run(async (manager) => {
      if (!(await this.events.lockUnprocessed(organizationId, event.id, manager))) return;
      const braked = await this.applyLoopBrake(organizationId, data.ticket.id, rows, manager, now);
      await this.notifications.insertMany(rows, manager);
      for (const row of rows) {
        await this.tickets.recordOutboundMessageId(organizationId, row.ticketId, row.messageId, manager);
      }
      if (braked.length > 0) {
        await this.tickets.addSystemNote(organizationId, data.ticket.id, brakeNote(braked, this.config), manager);
      }
      await this.events.markProcessed(organizationId, event.id, null, manager);
      const suppressed = countSuppressed(rows);
      if (suppressed > 0) {
        const settled = { organizationId, sent: 0, failed: 0, suppressed };
        this.publisher.publishAfterCommit(manager, 'notification.delivery.settled', settled);
      }
    });
  }

  private async load(event: NotificationEvent): Promise<PlanningData> {
    const { organizationId } = event;
    const [ticket, settings, users, organization] = await Promise.all([
      this.views.snapshot(organizationId, event.ticketId),
      this.settings.get(organizationId),
      this.users.list(organizationId),
      this.organizations.findById(organizationId),
    ]);
    return { ticket, settings, users, organizationName: organization?.name ?? '' };
  }

  /** Who gets what for this event, before any guard: enabled notifications only. */
  private draft(event: NotificationEvent, data: PlanningData): Draft[] {
    const { ticket, settings, users } = data;
    const trigger = event.trigger;
    const comment = 'commentId' in trigger ? ticket.comments.find((c) => c.id === trigger.commentId) : undefined;
    const receivedAt = comment?.receivedAt ? new Date(comment.receivedAt).getTime() : null;
    if (comment?.kind === 'requester' && receivedAt !== null && Date.now() - receivedAt > MAX_INBOUND_AGE_MS) return [];
    // The agent who acted (replied, resolved, opened the ticket), or for a requester's reply the assignee.
    const agentId =
      trigger.type === 'ticket-resolved'
        ? trigger.actorUserId
        : trigger.type === 'requester-commented'
          ? ticket.assignee?.id
          : comment?.author.userId;
    const agent = agentId ? users.find((user) => user.id === agentId) : undefined;
    const values = templateValues(data, comment, agent?.name ?? (agentId ? (comment?.author.name ?? '') : ''));
    // Agents are not told about what they did themselves.
    const actorEmail = trigger.type === 'requester-commented' ? undefined : agent?.email.toLowerCase();
    const drafts: Draft[] = [];
    const add = (kind: NotificationKind, recipients: string[]) => {
      if (!settings.templates[kind].enabled) return;
      for (const recipient of new Set(recipients.map((address) => address.toLowerCase()))) {
        if (REQUESTER_KINDS.includes(kind) || recipient !== actorEmail) drafts.push({ kind, recipient, values });
      }
    };
    const requester = ticket.requester.email ? [ticket.requester.email] : [];
    const active = users.filter((user) => !user.disabled && (user.role === 'admin' || user.role === 'agent'));
    switch (trigger.type) {
      case 'ticket-created': {
        add(trigger.source === 'email' ? 'ticketReceived' : 'agentReplied', requester);
        const list = settings.newTicketRecipients;
        add('newTicket', list.mode === 'list' ? list.addresses : active.map((user) => user.email));
        break;
      }
      case 'agent-commented':
        add('agentReplied', requester);
        break;
      case 'ticket-resolved':
        add('ticketResolved', requester);
        break;
      case 'requester-commented': {
        const assignee = ticket.assignee && active.find((user) => user.id === ticket.assignee?.id);
        add('requesterReplied', assignee ? [assignee.email] : active.map((user) => user.email));
        break;
      }
    }
    return drafts;
  }

  /**
   * Holds back automatic mail past the limit, per ticket (events that sent automatic mail) and per
   * recipient (automatic messages), within the window. Returns the rows it suppressed.
   */
  private async applyLoopBrake(
    organizationId: string,
    ticketId: string,
    rows: Notification[],
    manager: EntityManager,
    now: Date,
  ): Promise<Notification[]> {
    const { loopLimit, loopWindowSeconds } = this.config.notifications;
    const candidates = rows.filter((row) => row.automatic && row.status === 'queued');
    if (candidates.length === 0) return [];
    const since = new Date(now.getTime() - loopWindowSeconds * 1000);
    const braked: Notification[] = [];
    const window = `${loopLimit} in ${describeSeconds(loopWindowSeconds)}`;
    if ((await this.notifications.countRecentEventsForTicket(organizationId, ticketId, since, manager)) >= loopLimit) {
      for (const row of candidates)
        braked.push(suppress(row, `${LOOP_BRAKE_REASON}: this ticket already had ${window} of automatic mail`));
      return braked;
    }
    const sent = new Map<string, number>();
    for (const row of candidates) {
      const count =
        sent.get(row.recipient) ??
        (await this.notifications.countRecentToRecipient(organizationId, row.recipient, since, manager));
      if (count >= loopLimit) {
        braked.push(suppress(row, `${LOOP_BRAKE_REASON}: ${row.recipient} already got ${window} of automatic mail`));
      } else {
        sent.set(row.recipient, count + 1);
      }
    }
    return braked;
  }

  private async finish(event: NotificationEvent, note: string | null): Promise<void> {
    await this.finishAll(event.organizationId, [event], note);
  }

  private async finishAll(organizationId: string, events: NotificationEvent[], note: string | null): Promise<void> {
    const ids = events.map((event) => event.id);
    await this.transactions.run((manager) => this.events.markManyProcessed(organizationId, ids, note, manager));
  }

  private async recordFailure(event: NotificationEvent, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const giveUp = error instanceof NotFoundError || event.attempts + 1 >= MAX_PLANNING_ATTEMPTS;
    const { retryBaseMs, retryMaxMs } = this.config.notifications;
    const retryAt = new Date(Date.now() + Math.min(retryBaseMs * 2 ** event.attempts, retryMaxMs));
    this.logger.error(
      { err: error, eventId: event.id, organizationId: event.organizationId, giveUp },
      'Planning notifications failed',
    );
    try {
      await this.transactions.run((manager) =>
        this.events.recordFailure(event.organizationId, event, message, retryAt, giveUp, manager),
      );
    } catch (recordError) {
      this.logger.error({ err: recordError, eventId: event.id }, 'Could not record a planning failure');
    }
  }
}

function countSuppressed(rows: Notification[]): number {
  let count = 0;
  for (const row of rows) if (row.status === 'suppressed') count += 1;
  return count;
}

function suppress(row: Notification, reason: string): Notification {
  row.status = 'suppressed';
  row.reason = reason;
  return row;
}

function describeSeconds(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} minute${seconds === 60 ? '' : 's'}` : `${seconds} seconds`;
}

function brakeNote(rows: Notification[], config: AppConfig): string {
  const { loopLimit, loopWindowSeconds } = config.notifications;
  const held = rows.map((row) => `${row.kind} to ${row.recipient}`).join(', ');
  return (
    `Loop brake: held back ${rows.length} automatic notification${rows.length === 1 ? '' : 's'} (${held}); ` +
    `at most ${loopLimit} are sent per ticket and per recipient in ${describeSeconds(loopWindowSeconds)}. ` +
    'They are listed as suppressed under notifications and can be retried there.'
  );
}

function templateValues(data: PlanningData, comment: CommentSnapshot | undefined, agentName: string): TemplateValues {
  const { ticket } = data;
  return {
    'ticket.number': String(ticket.number),
    'ticket.subject': ticket.subject,
    'ticket.status': ticket.status,
    'ticket.priority': ticket.priority,
    'requester.name': ticket.requester.name || ticket.requester.email,
    'requester.email': ticket.requester.email,
    'comment.body': comment?.body ?? '',
    'comment.author': comment?.author.name ?? '',
    'agent.name': agentName,
    'organization.name': data.organizationName,
  };
}
