import type { TicketDetailResponse } from './dto/ticket-detail.response';
import type { CommentKind, TicketPriority, TicketStatus } from './ticket-values';

/** Who wrote a comment: an agent (`userId`), a contact (`email`), or the system (neither). */
export interface CommentAuthorSnapshot {
  name: string;
  email?: string;
  userId?: string;
}

export interface CommentSnapshot {
  id: string;
  kind: CommentKind;
  author: CommentAuthorSnapshot;
  /** The text without quoted history, as agents read it. */
  body: string;
  /** When the mail reached the mailbox; null for comments not made from mail. */
  receivedAt: Date | null;
}

/**
 * A ticket with its comments, as other modules (notifications) read it: the Tickets module's contract,
 * apart from the HTTP shape of the detail, which may grow fields for agents.
 */
export interface TicketSnapshot {
  id: string;
  number: number;
  subject: string;
  status: TicketStatus;
  priority: TicketPriority;
  /** Empty email and name when the requester is unknown. */
  requester: { email: string; name: string };
  assignee: { id: string; name: string } | null;
  /** Oldest first. */
  comments: CommentSnapshot[];
}

export function ticketSnapshotOf(detail: TicketDetailResponse): TicketSnapshot {
  const { id, number, subject, status, priority, requester, assignee } = detail;
  return {
    id,
    number,
    subject,
    status,
    priority,
    requester: { email: requester.email, name: requester.name },
    assignee: assignee && { id: assignee.id, name: assignee.name },
    comments: detail.comments.map(({ id, kind, author, body, receivedAt }) => ({
      id,
      kind,
      author: { ...author },
      body,
      receivedAt,
    })),
  };
}
