/**
 * The built-in notifications, what triggers them, and what an organization can change about them.
 * Requester side: ticketReceived (the acknowledgment), agentReplied, ticketResolved. Agent side:
 * newTicket (all agents or a configured list), requesterReplied (the assignee, else all agents).
 */
export const NOTIFICATION_KINDS = [
  'ticketReceived',
  'agentReplied',
  'ticketResolved',
  'newTicket',
  'requesterReplied',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const REQUESTER_KINDS: readonly NotificationKind[] = ['ticketReceived', 'agentReplied', 'ticketResolved'];

/** Mail the loop brake counts: everything except an agent's reply, which a person wrote and sent on purpose. */
export function isAutomatic(kind: NotificationKind): boolean {
  return kind !== 'agentReplied';
}

/**
 * What an outbox event stores: the domain event, reduced to what planning needs. The rest (names,
 * bodies, addresses) is read when the event is planned, after the transaction that wrote it committed.
 */
export type NotificationTrigger =
  | { type: 'ticket-created'; commentId: string; source: 'email' | 'api' }
  | { type: 'requester-commented'; commentId: string }
  | { type: 'agent-commented'; commentId: string }
  | { type: 'ticket-resolved'; actorUserId: string };

export interface NotificationTemplate {
  enabled: boolean;
  subject: string;
  body: string;
}

export interface AgentRecipients {
  /** `all`: every active admin and agent; `list`: only `addresses`. */
  mode: 'all' | 'list';
  addresses: string[];
}

export interface StoredNotificationSettings {
  templates: Record<NotificationKind, NotificationTemplate>;
  /** Who hears about new tickets. */
  newTicketRecipients: AgentRecipients;
}

export const DEFAULT_NOTIFICATION_SETTINGS: StoredNotificationSettings = {
  templates: {
    ticketReceived: {
      enabled: true,
      subject: 'We received your request: {{ticket.subject}}',
      body:
        'Hello {{requester.name}},\n\n' +
        'Thank you for writing to us. Your request has been received as ticket {{ticket.number}} and we will ' +
        'get back to you as soon as we can.\n\n' +
        'To add anything, simply reply to this message.',
    },
    agentReplied: {
      enabled: true,
      subject: 'Re: {{ticket.subject}}',
      body: '{{comment.body}}\n\n-- \n{{agent.name}}',
    },
    ticketResolved: {
      enabled: true,
      subject: 'Resolved: {{ticket.subject}}',
      body:
        'Hello {{requester.name}},\n\n' +
        'Your request (ticket {{ticket.number}}) has been marked as resolved by {{agent.name}}.\n\n' +
        'If something is still not right, reply to this message and the ticket will be reopened.',
    },
    newTicket: {
      enabled: true,
      subject: 'New ticket: {{ticket.subject}}',
      body: '{{requester.name}} <{{requester.email}}> opened ticket {{ticket.number}}:\n\n{{comment.body}}',
    },
    requesterReplied: {
      enabled: true,
      subject: 'New reply: {{ticket.subject}}',
      body: '{{comment.author}} replied on ticket {{ticket.number}} ({{requester.name}} <{{requester.email}}>):\n\n{{comment.body}}',
    },
  },
  newTicketRecipients: { mode: 'all', addresses: [] },
};
