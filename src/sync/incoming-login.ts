import type { ImapConnectionSettings } from '../mailbox/imap-settings';
import type { EmailSettingsService } from '../settings/email-settings.service';
import { withFreshTokenRetry } from '../settings/fresh-token-retry';

/**
 * Logs in to the organization's mailbox with `incoming` through `open` (a session, a watch); with OAuth2,
 * a token the server refused is refreshed at the provider once and the login tried again.
 */
export function loginToMailbox<T>(
  settings: EmailSettingsService,
  organizationId: string,
  incoming: ImapConnectionSettings,
  open: (settings: ImapConnectionSettings) => Promise<T>,
): Promise<T> {
  return withFreshTokenRetry(incoming, open, () =>
    settings.getIncomingConnection(organizationId, { forceRefresh: true }),
  );
}
