import { ConflictError } from '../common/errors/domain-error';

/**
 * The message (by its Message-ID) is already part of a ticket of this organization: it was ingested
 * before, or a concurrent run got there first. Sync treats it as "already ingested"; the savepoint
 * that tried it is rolled back, so the caller's transaction stays usable.
 */
export class MessageAlreadyIngestedError extends ConflictError {
  constructor(
    readonly messageId: string,
    /** The ticket that has it, when known (not known when a concurrent insert won the race). */
    readonly ticketId: string | null,
  ) {
    super('MESSAGE_ALREADY_INGESTED', 'This message is already part of a ticket');
  }
}
