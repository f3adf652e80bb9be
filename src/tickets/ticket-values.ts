/** The values a ticket and its comments can take; shared by entities, DTOs and the service. */
export const TICKET_STATUSES = ['new', 'open', 'pending', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

export const TICKET_SOURCES = ['email', 'api'] as const;
export type TicketSource = (typeof TICKET_SOURCES)[number];

export const COMMENT_KINDS = ['requester', 'agent', 'system'] as const;
export type CommentKind = (typeof COMMENT_KINDS)[number];

export const MESSAGE_DIRECTIONS = ['inbound', 'outbound'] as const;
export type MessageDirection = (typeof MESSAGE_DIRECTIONS)[number];
