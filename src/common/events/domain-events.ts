/**
 * The one map of domain events: each name is a fact in the past tense, each payload carries the
 * organization id. Emit through DomainEventPublisher, listen with `@OnEvent(name)` and type the
 * payload from this map, e.g. `onCreated(event: DomainEventMap['ticket.created'])`.
 */

export type TicketEventSource = 'email' | 'api';

/** A ticket exists, with its first comment. Emitted after its transaction committed. */
export interface TicketCreatedEvent {
  organizationId: string;
  ticketId: string;
  ticketNumber: number;
  /** The first comment (the message that opened the ticket). */
  commentId: string;
  source: TicketEventSource;
  /** Set when the ticket follows up a closed one (a reply to a closed ticket). */
  linkedTicketId: string | null;
}

/** A comment was added to an existing ticket. Emitted after its transaction committed. */
export interface TicketCommentedEvent {
  organizationId: string;
  ticketId: string;
  ticketNumber: number;
  commentId: string;
  source: TicketEventSource;
  kind: 'requester' | 'agent' | 'system';
  /** Internal notes (and system notes) go to no one outside. */
  internal: boolean;
  /** The requester's reply moved a resolved ticket back to open. */
  reopened: boolean;
}

/** An agent changed a ticket's status, priority or assignee. Emitted after its transaction committed. */
export interface TicketUpdatedEvent {
  organizationId: string;
  ticketId: string;
  ticketNumber: number;
  /** The agent who made the change. */
  actorUserId: string;
  /** Only what actually changed. */
  changes: {
    status?: { from: string; to: string };
    priority?: { from: string; to: string };
    assigneeId?: { from: string | null; to: string | null };
  };
}

/** An organization saved its incoming or outgoing email settings: connections built from the old ones are stale. */
export interface EmailSettingsChangedEvent {
  organizationId: string;
  section: 'incoming' | 'outgoing';
}

/** A sync run ended and its outcome is recorded (a run skipped before it started is not one). */
export interface SyncRunFinishedEvent {
  organizationId: string;
  runId: string;
  trigger: 'schedule' | 'manual';
  status: 'succeeded' | 'failed' | 'stopped';
  /** The failure's class (`auth`, `network`, `config`, `internal`, …) and message; null unless failed. */
  error: { class: string; message: string } | null;
  /** Failed runs in a row, this one included; 0 after a run that did not fail. */
  consecutiveFailures: number;
  startedAt: Date;
  finishedAt: Date;
  counts: { fetched: number; tickets: number; comments: number; ignored: number; failed: number };
}

/** A message went to the sync failures list (or failed again on retry). Emitted after it was recorded. */
export interface SyncMessageFailedEvent {
  organizationId: string;
  folder: string;
  uid: number;
  /** The failure's class (`parse`, `storage`, `over-limit`, `too-large`, …) and reason. */
  errorClass: string;
  reason: string;
}

/** An admin retried (successfully) or dismissed an entry of the sync failures list. */
export interface SyncFailureClosedEvent {
  organizationId: string;
  failureId: string;
  status: 'resolved' | 'dismissed';
  /** Entries still open in the organization's failures list afterwards. */
  openFailures: number;
}

/**
 * A sync batch committed: when each of its messages that became a ticket or a comment arrived at the
 * mail server (IMAP INTERNALDATE), for the mail-to-ticket latency. One event per batch, not per message;
 * messages whose arrival is unknown (streamed large ones) are left out.
 */
export interface SyncMessagesCommittedEvent {
  organizationId: string;
  runId: string;
  committedAt: Date;
  arrivedAt: Date[];
}

/**
 * Notification outcomes became final and are recorded: sent, failed for good (not a retry), or
 * suppressed when planned (recipient guard, loop brake). One event per organization and batch.
 */
export interface NotificationDeliverySettledEvent {
  organizationId: string;
  sent: number;
  failed: number;
  suppressed: number;
}

/** The superadmin disabled an organization: its users are refused and its sync must stop; nothing is deleted. */
export interface OrganizationDisabledEvent {
  organizationId: string;
}

/** The superadmin enabled a disabled organization again: what was running before resumes. */
export interface OrganizationEnabledEvent {
  organizationId: string;
}

/** An admin connected the organization's mailbox account with OAuth2 (or reconnected it): tokens are stored. */
export interface OAuthConnectedEvent {
  organizationId: string;
  provider: 'microsoft' | 'google' | 'custom';
  /** The signed-in account's address; empty for an app-only (client credentials) connection. */
  account: string;
}

/** The OAuth2 connection was removed (tokens deleted, revoked where the provider allows): mail logins with it stop. */
export interface OAuthDisconnectedEvent {
  organizationId: string;
  provider: 'microsoft' | 'google' | 'custom';
}

/**
 * The provider refused the grant (`invalid_grant`: revoked, expired, password changed): no token can be had
 * until an admin reconnects. Emitted once per loss, not per attempt.
 */
export interface OAuthNeedsReauthEvent {
  organizationId: string;
  provider: 'microsoft' | 'google' | 'custom';
  account: string;
  error: { class: string; message: string };
}

export interface DomainEventMap {
  'ticket.created': TicketCreatedEvent;
  'ticket.commented': TicketCommentedEvent;
  'ticket.updated': TicketUpdatedEvent;
  'settings.email.changed': EmailSettingsChangedEvent;
  'sync.run.finished': SyncRunFinishedEvent;
  'sync.message.failed': SyncMessageFailedEvent;
  'sync.failure.closed': SyncFailureClosedEvent;
  'sync.messages.committed': SyncMessagesCommittedEvent;
  'notification.delivery.settled': NotificationDeliverySettledEvent;
  'organization.disabled': OrganizationDisabledEvent;
  'organization.enabled': OrganizationEnabledEvent;
  'oauth.connected': OAuthConnectedEvent;
  'oauth.disconnected': OAuthDisconnectedEvent;
  'oauth.needs-reauth': OAuthNeedsReauthEvent;
}

export type DomainEventName = keyof DomainEventMap;
