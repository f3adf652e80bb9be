/**
 * The batch being committed while the next one is read. One pipeline lasts a whole run, across
 * pages and segments, so the writer does not stop for the next listing or download: each of those is
 * a round trip to the IMAP server, and a remote one is tens of milliseconds away. Commits still run
 * one at a time, in the order they were pushed, and none starts after one has failed.
 */
export class CommitPipeline {
  private writing: Promise<void> = Promise.resolve();

  /** Waits for the commit in flight (rethrowing its failure), then starts `commit` without waiting for it. */
  async push(commit: () => Promise<void>): Promise<void> {
    await this.writing;
    this.writing = commit();
    // Awaited by the next push or by drain; this only marks a rejection as handled meanwhile.
    this.writing.catch(() => undefined);
  }

  /** Waits until nothing is being committed; rethrows the failure of the last commit. */
  drain(): Promise<void> {
    return this.writing;
  }

  /** Waits until nothing is being committed, whatever its outcome: cleanup after another failure. */
  settle(): Promise<void> {
    return this.writing.catch(() => undefined);
  }
}
