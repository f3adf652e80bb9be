import { DomainError, type FieldError } from '../common/errors/domain-error';
import type { MailConnectionError } from '../common/net/mail-connection-error';

/**
 * Saving settings whose host the outbound policy refuses: a 400 naming the field, with `reason: "blocked"`,
 * so a tenant can neither test nor store a server on the operator's own network.
 */
export class MailHostBlockedError extends DomainError {
  constructor(field: string, error: MailConnectionError) {
    const details: Array<FieldError & { reason: 'blocked'; hint?: string }> = [
      { field, messages: [error.message], reason: 'blocked', hint: error.hint },
    ];
    super('validation', 'MAIL_HOST_BLOCKED', error.message, details);
  }
}
