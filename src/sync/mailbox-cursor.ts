import type { MailboxSession } from '../mailbox/mailbox.types';

/** Sizes are read this many UIDs per FETCH; the UID set of a command stays a few kilobytes at most. */
export const SIZES_PER_READ = 1_000;

/** A message of a page: its size is read only when it is over the cursor's bound. */
export interface ListedMessage {
  uid: number;
  /** RFC822.SIZE when over the bound; null for a message at or under it (or one that vanished since). */
  size: number | null;
}

/**
 * Walks a folder above a UID, oldest first, a page at a time, with as few round trips as it can:
 * the folder is listed (SEARCH) once, and one more SEARCH (LARGER) names the messages over the size
 * bound, the only ones whose size is read (FETCH RFC822.SIZE) — in a support mailbox, hardly any. Reading
 * every message's size cost the server and imapflow a response per message before the first download
 * (125-750 ms of imapflow's CPU per 10,000 messages here). A remote server is tens of milliseconds away, and
 * listing again for every page made a run wait for the server more than it worked. When the listing is
 * used up, the folder is listed again, so mail that arrived meanwhile joins the same walk.
 */
export class MailboxCursor {
  private listed: ListedMessage[] = [];
  private next = 0;

  constructor(
    private readonly session: MailboxSession,
    private afterUid: number,
    private readonly pageSize: number,
    private readonly sizeBound: number,
    private readonly sizesPerRead = SIZES_PER_READ,
  ) {}

  /** The next page, ascending by UID; empty only when a fresh listing found nothing new. */
  async nextPage(): Promise<ListedMessage[]> {
    if (this.next >= this.listed.length) {
      this.listed = await this.list();
      this.next = 0;
    }
    const page = this.listed.slice(this.next, this.next + this.pageSize);
    this.next += page.length;
    return page;
  }

  private async list(): Promise<ListedMessage[]> {
    const uids = await this.session.uidsAbove(this.afterUid);
    if (uids.length === 0) return [];
    const first = uids[0];
    const last = uids[uids.length - 1];
    this.afterUid = last;
    const large = await this.session.uidsLargerThan(first, last, this.sizeBound);
    const sizes = new Map<number, number>();
    for (let start = 0; start < large.length; start += this.sizesPerRead) {
      for (const ref of await this.session.sizesOf(large.slice(start, start + this.sizesPerRead))) {
        sizes.set(ref.uid, ref.size);
      }
    }
    // A large message that vanished since the listing keeps a size of null; its download finds nothing.
    return uids.map((uid) => ({ uid, size: sizes.get(uid) ?? null }));
  }
}
