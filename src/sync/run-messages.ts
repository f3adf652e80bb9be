import type { IngestedMessage } from './ingested-message.entity';
import type { ListedSyncFailure } from './sync-failures.repository';

/** One message of a run, as its record lists it. */
export interface RunMessage {
  uid: number;
  outcome: IngestedMessage['outcome'] | 'failed';
  /** Why it was ignored, or why it failed (`class: message`); null for a ticket or a comment. */
  reason: string | null;
  ticketId: string | null;
  /** Its entry in the failures list, where it has one. */
  failureId: string | null;
  from: string | null;
  subject: string | null;
}

/**
 * Merges a page of what a run took (the ledger) with a page of what it could not (the failures list),
 * both read by UID after the same point, into one page of at most `limit`. A message in both (one too
 * large to download, whose headers still became a ticket) is one entry: what it became, and why the
 * failures list has it. `nextAfter` is where the next page starts, null after the last.
 */
export function mergeRunPage(
  taken: Pick<IngestedMessage, 'uid' | 'outcome' | 'reason' | 'ticketId' | 'fromAddress' | 'subject'>[],
  failed: ListedSyncFailure[],
  limit: number,
): { items: RunMessage[]; nextAfter: number | null } {
  const byUid = new Map<number, RunMessage>();
  for (const row of taken) {
    byUid.set(row.uid, {
      uid: row.uid,
      outcome: row.outcome,
      reason: row.reason,
      ticketId: row.ticketId,
      failureId: null,
      from: row.fromAddress,
      subject: row.subject,
    });
  }
  for (const failure of failed) {
    const reason = `${failure.errorClass}: ${failure.reason}`;
    const known = byUid.get(failure.uid);
    if (known) Object.assign(known, { failureId: failure.id, reason });
    else {
      byUid.set(failure.uid, {
        uid: failure.uid,
        outcome: 'failed',
        reason,
        ticketId: failure.ticketId,
        failureId: failure.id,
        from: null,
        subject: null,
      });
    }
  }
  const sorted = [...byUid.values()].sort((a, b) => a.uid - b.uid);
  const items = sorted.slice(0, limit);
  // Either source may hold more after a full page of its own.
  const more = sorted.length > limit || taken.length >= limit || failed.length >= limit;
  return { items, nextAfter: more && items.length > 0 ? items[items.length - 1].uid : null };
}
