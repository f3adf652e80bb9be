// The ticket API's shapes, as the console reads them.
export const STATUSES = ['new', 'open', 'pending', 'resolved', 'closed'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

export interface TicketSummary {
  id: string;
  number: number;
  subject: string;
  status: (typeof STATUSES)[number];
  priority: (typeof PRIORITIES)[number];
  requester: { email: string; name: string };
  assignee: { id: string; name: string } | null;
  lastActivityAt: string;
}

export interface Attachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  inline: boolean;
}

export interface Comment {
  id: string;
  author: { name: string; email?: string; userId?: string };
  kind: 'requester' | 'agent' | 'system';
  body: string;
  fullBody: string | null;
  html: string | null;
  internal: boolean;
  attachments: Attachment[];
  receivedAt: string | null;
  createdAt: string;
}

export interface TicketDetail extends TicketSummary {
  participants: Array<{ email: string; name: string }>;
  comments: Comment[];
}

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'agent';
  disabled: boolean;
}
