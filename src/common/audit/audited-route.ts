// What @Audited marks a route with, read back by its interceptor and the audit module's recorder.

/**
 * Every action the audit log records, as dotted names (area first, fact in the past tense last), so
 * that `GET /audit?action=settings.email` finds all of an area's actions.
 */
export type AuditAction =
  | 'auth.sign-in.succeeded'
  | 'auth.sign-in.failed'
  | 'auth.sign-in.throttled'
  | 'organization.created'
  | 'organization.updated'
  | 'user.created'
  | 'user.updated'
  | 'user.password.changed'
  | 'user.temporary-password.set'
  | 'user.password-reset.sent'
  | 'settings.email.incoming.saved'
  | 'settings.email.outgoing.saved'
  | 'settings.email.incoming.tested'
  | 'settings.email.outgoing.tested'
  | 'settings.email.verified'
  | 'settings.email.oauth-app.saved'
  | 'settings.email.oauth.authorize-started'
  | 'settings.email.oauth.connected'
  | 'settings.email.oauth.disconnected'
  | 'settings.notifications.saved'
  | 'sync.started'
  | 'sync.stopped'
  | 'sync.run-requested'
  | 'sync.interval.changed'
  | 'sync.push.changed'
  | 'sync.failure.retried'
  | 'sync.failure.dismissed'
  | 'notification.retried'
  | 'alert.acknowledged';

/** What kind of thing an action acts on; its id is the route's `:id`, else the response's `id`. */
export type AuditTargetType =
  | 'organization'
  | 'user'
  | 'email-settings'
  | 'notification-settings'
  | 'sync'
  | 'sync-failure'
  | 'notification'
  | 'alert';

export interface AuditedRoute {
  action: AuditAction;
  target: AuditTargetType;
  /**
   * Request body fields (dotted paths, e.g. `admin.password`) recorded as changed but never by value.
   * Fields named like a secret (password, secret, token) are masked whether listed or not.
   */
  secrets: string[];
}

export const AUDITED = 'audit:route';
