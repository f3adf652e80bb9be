/**
 * What an incident is about. `needs-reauth` is for OAuth mailboxes whose grant the provider refused
 * (opened on `oauth.needs-reauth`, cleared on `oauth.connected` or `oauth.disconnected`).
 */
export const INCIDENT_KINDS = ['sync-failing', 'notifications-failing', 'failed-messages', 'needs-reauth'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export type IncidentStatus = 'open' | 'resolved';

/** The kinds `GET /api/v1/sync` shows as its `alert`, most important first. */
export const SYNC_KINDS: readonly IncidentKind[] = ['sync-failing', 'needs-reauth', 'failed-messages'];

interface KindText {
  /** What is wrong, as a subject line and the list's title. */
  title: string;
  /** What the admin can do about it. */
  hint: string;
  /** What "recovered" means for it. */
  recovered: string;
}

export const KIND_TEXT: Record<IncidentKind, KindText> = {
  'sync-failing': {
    title: 'Mail is not being fetched: the mailbox sync keeps failing',
    hint:
      'Check the incoming email settings (server, user name, password) and run the connection test; ' +
      'the sync page shows the last error. New mail waits in the mailbox and is fetched once sync works again.',
    recovered: 'The mailbox sync works again; mail that arrived meanwhile is being fetched.',
  },
  'notifications-failing': {
    title: 'Notifications are not going out',
    hint:
      'Check the outgoing email settings and run the connection test; the notifications list shows ' +
      'the messages that wait or failed and why. Failed ones can be retried once the server accepts mail.',
    recovered: 'Notifications are being sent again.',
  },
  'failed-messages': {
    title: 'Messages could not be turned into tickets',
    hint: 'Open the sync failures list to see each message and why it failed, then retry or dismiss it.',
    recovered: 'The failures list is empty again: every message was retried or dismissed.',
  },
  'needs-reauth': {
    title: 'The mailbox needs to be connected again',
    hint: 'Sign in to the mail provider again from the incoming email settings.',
    recovered: 'The mailbox is connected again.',
  },
};
