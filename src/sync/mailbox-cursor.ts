import type { MailboxSession, MessageRef } from '../mailbox/drivers/mailbox-driver';

/** Sizes are read this many UIDs per FETCH; the UID set of a command stays a few kilobytes at most. */
export const SIZES_PER_READ = 1_000;

/**
 * Walks a folder above a UID, oldest first, a page at a time, with as few round trips as it can:
 * the folder is listed (SEARCH) once and sizes are read (FETCH RFC822.SIZE) a thousand at a time,
 * so most pages cost nothing but their own download. A remote server is tens of milliseconds away,
 * and listing again for every page made a run wait for the server more than it worked. When the
 * listing is used up, the folder is listed again, so mail that arrived meanwhile joins the same walk.
 */
export class MailboxCursor {
  private listed: number[] = [];
  private nextListed = 0;
  private sized: MessageRef[] = [];
  private nextSized = 0;

  constructor(
    private readonly session: MailboxSession,
    private afterUid: number,
    private readonly pageSize: number,
    private readonly sizesPerRead = SIZES_PER_READ,
  ) {}

  /** The next page, ascending by UID; empty only when a fresh listing found nothing new. */
  async nextPage(): Promise<MessageRef[]> {
    while (this.nextSized >= this.sized.length) {
      if (this.nextListed >= this.listed.length) {
        this.listed = await this.session.uidsAbove(this.afterUid);
        this.nextListed = 0;
        if (this.listed.length === 0) return [];
        this.afterUid = this.listed[this.listed.length - 1];
      }
      const uids = this.listed.slice(this.nextListed, this.nextListed + this.sizesPerRead);
      this.nextListed += uids.length;
      // Messages that vanished since the listing are simply not in the answer.
      this.sized = await this.session.sizesOf(uids);
      this.nextSized = 0;
    }
    const page = this.sized.slice(this.nextSized, this.nextSized + this.pageSize);
    this.nextSized += page.length;
    return page;
  }
}
