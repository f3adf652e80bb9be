import { timeOrderedId } from '../../libs/ids/time-ordered-id';
import { domainToASCII } from 'node:url';
import { OWN_MAIL_HEADER } from '../../libs/mail/own-mail';
import { createSignedMessageId, verifySignedMessageId } from '../../libs/mail/signed-message-id';
import { addSubjectToken } from '../../libs/mail/thread-keys';
import { isAutomatic, type NotificationKind, type NotificationTemplate } from './notification-kinds';
import { renderSubject, renderText, textToHtml, type TemplateValues } from './notification-templates';
import type { Notification } from './notification.entity';

/** One message to plan: which notification, to whom, with which values. */
export interface Draft {
  kind: NotificationKind;
  recipient: string;
  values: TemplateValues;
}

export interface ComposeContext {
  organizationId: string;
  ticketId: string;
  ticketNumber: number;
  /** Used when a template renders an empty subject. */
  ticketSubject: string;
  eventId: string;
  secret: string;
  /** The sender address at planning time: its domain goes into our Message-IDs. */
  fromAddress: string;
  /** Where replies must go when it is not the sender address (the incoming address). */
  replyTo: string | null;
  /** The ticket's Message-IDs, oldest first, without angle brackets. */
  thread: string[];
}

/** References keep the thread's root and its most recent messages; some servers refuse huge headers. */
const MAX_REFERENCES = 30;
const FALLBACK_DOMAIN = 'helpdesk.invalid';
const DOMAIN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

export function messageIdDomain(fromAddress: string): string {
  const domain = domainToASCII(fromAddress.slice(fromAddress.lastIndexOf('@') + 1).toLowerCase());
  return DOMAIN.test(domain) ? domain : FALLBACK_DOMAIN;
}

/**
 * Threading headers for a message about the ticket: In-Reply-To the newest message that reached us
 * (else the newest of ours), References the thread. Mail clients thread on either.
 */
export function threadHeaders(context: Pick<ComposeContext, 'secret' | 'organizationId' | 'thread'>): {
  inReplyTo: string | null;
  references: string | null;
} {
  const { thread } = context;
  if (thread.length === 0) return { inReplyTo: null, references: null };
  const ours = (id: string) => verifySignedMessageId(context.secret, id)?.organizationId === context.organizationId;
  const inbound = [...thread].reverse().find((id) => !ours(id));
  const kept = thread.length > MAX_REFERENCES ? [thread[0], ...thread.slice(-(MAX_REFERENCES - 1))] : thread;
  return {
    inReplyTo: `<${inbound ?? thread[thread.length - 1]}>`,
    references: kept.map((id) => `<${id}>`).join(' '),
  };
}

/** RFC 3834: acknowledgments are auto-replied, other automatic mail auto-generated; a person's reply is neither. */
function automaticHeaders(kind: NotificationKind): Record<string, string> {
  if (!isAutomatic(kind)) return {};
  return {
    'Auto-Submitted': kind === 'ticketReceived' ? 'auto-replied' : 'auto-generated',
    // Asks Exchange/Outlook not to answer with out-of-office replies.
    'X-Auto-Response-Suppress': 'All',
  };
}

/** A queued outbox row for the draft: rendered, addressed, signed and threaded. */
export function compose(
  draft: Draft,
  template: NotificationTemplate,
  context: ComposeContext,
  now: Date,
): Notification {
  const rendered = renderSubject(template.subject, draft.values) || context.ticketSubject;
  const text = renderText(template.body, draft.values);
  const { inReplyTo, references } = threadHeaders(context);
  return {
    id: timeOrderedId(),
    organizationId: context.organizationId,
    ticketId: context.ticketId,
    eventId: context.eventId,
    kind: draft.kind,
    automatic: isAutomatic(draft.kind),
    recipient: draft.recipient,
    subject: addSubjectToken(rendered, context.ticketNumber),
    bodyText: text,
    bodyHtml: textToHtml(text),
    headers: {
      [OWN_MAIL_HEADER]: `notification; kind=${draft.kind}`,
      ...automaticHeaders(draft.kind),
      ...(context.replyTo ? { 'Reply-To': context.replyTo } : {}),
    },
    messageId: createSignedMessageId({
      secret: context.secret,
      organizationId: context.organizationId,
      ticketId: context.ticketId,
      domain: messageIdDomain(context.fromAddress),
    }),
    inReplyTo,
    references,
    status: 'queued',
    reason: null,
    attempts: 0,
    nextAttemptAt: now,
    leaseUntil: null,
    leaseOwner: null,
    sentAt: null,
    smtpResponse: null,
    createdAt: now,
    updatedAt: now,
  };
}
