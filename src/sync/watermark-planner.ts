import { Injectable } from '@nestjs/common';
import type { MailboxSession } from '../mailbox/mailbox.types';
import { SyncStateRepository } from './sync-state.repository';

export interface PlannedPosition {
  uidValidity: string;
  /** Everything up to this UID is done. */
  lastUid: number;
  /** At most this many messages wait above it. */
  pending: number;
}

/**
 * Where a run starts. Normally the stored watermark; when the folder's UIDVALIDITY changed (the server
 * renumbered it) or the folder is new to us, the folder is re-scanned from the day sync started, and
 * the ledger's unique keys keep what was already ingested from being ingested again.
 */
@Injectable()
export class WatermarkPlanner {
  constructor(private readonly state: SyncStateRepository) {}

  async resolve(
    organizationId: string,
    folder: string,
    session: MailboxSession,
    since: Date | null,
  ): Promise<PlannedPosition> {
    const folderState = await session.folderState();
    const stored = await this.state.findWatermark(organizationId, folder);
    let lastUid: number;
    if (stored && stored.uidValidity === folderState.uidValidity) {
      lastUid = stored.lastUid;
    } else {
      lastUid = await this.baseline(session, since, folderState.uidNext);
      // With neither a start date nor a watermark, nothing has said where this organization's sync begins
      // (a Sync now before Start, or racing it on another instance): the run looks only at what arrives from
      // now on and leaves the watermark to Start, which would otherwise find its own overwritten.
      if (since || stored) {
        await this.state.setWatermarkExactly(organizationId, folder, { uidValidity: folderState.uidValidity, lastUid });
      }
    }
    return {
      uidValidity: folderState.uidValidity,
      lastUid,
      pending: Math.max(0, Math.min(folderState.exists, folderState.uidNext - 1 - lastUid)),
    };
  }

  /** The watermark just below the first message on or after `since`; with no date, below the next UID. */
  async baseline(session: MailboxSession, since: Date | null, uidNext: number): Promise<number> {
    if (!since) return uidNext - 1;
    const uids = await session.searchUidsSince(since);
    return uids.length > 0 ? Math.min(...uids) - 1 : uidNext - 1;
  }
}
