import { Injectable } from '@nestjs/common';
import { readHeaderBlock } from '../../libs/mail/parse-large-message';
import type { MailboxSession, MessageRef } from '../mailbox/mailbox.types';
import { AttachmentStorage } from '../storage/attachment-storage';
import { countInto, type LiveRun } from './live-run';
import { type BatchItem, MessageIngestor } from './message-ingestor';
import { MessageProcessor } from './message-processor';
import { contentContextOf, type RunTarget } from './run-target';
import { classifySyncError } from './sync-error';

/** The part of a run that takes a message over SYNC_STREAM_MESSAGE_BYTES, on its own, after what came before it. */
@Injectable()
export class LargeMessageIngest {
  constructor(
    private readonly storage: AttachmentStorage,
    private readonly ingestor: MessageIngestor,
    private readonly processor: MessageProcessor,
  ) {}

  /**
   * A message too large to hold in memory, streamed end to end: the raw bytes go into storage as they
   * download, then are parsed back from there with each attachment streamed into storage as well, so
   * memory stays bounded whatever the size. A message that cannot be parsed goes to the failures list
   * with its header block (its full bytes stay in storage under the ledger's raw key).
   */
  async ingest(session: MailboxSession, folder: RunTarget, ref: MessageRef, live: LiveRun): Promise<number[]> {
    const source = await session.downloadSource(ref.uid);
    if (!source) return [];
    live.totals.fetched += 1;
    const stored = await this.storage.put(source);
    const context = { ...folder, uid: ref.uid, rawKey: stored.key };
    const header = await readHeaderBlock(await this.storage.get(stored.key));
    let item: BatchItem;
    try {
      const keys = await this.processor.keyOfLarge(stored.key, header);
      const original = await this.ingestor.copyOf(folder.organizationId, keys);
      if (original) {
        // A copy of one already taken (e.g. fetched again after a crash): recorded, nothing of it stored again.
        await this.ingestor.recordCopy(context, original, keys.contentHash);
        live.totals.ignored += 1;
        return [ref.uid];
      }
      // Charged before its attachments are streamed into storage; they are at most as large as the raw bytes.
      folder.budget?.charge(stored.size);
      const { message, content } = await this.processor.processLarge(stored.key, header, contentContextOf(folder));
      item = { context, message, content, raw: header, error: null };
    } catch (caught) {
      item = { context, message: null, content: null, raw: header, error: classifySyncError(caught) };
    }
    countInto(live, await this.ingestor.ingestBatch(folder, [item]));
    return [ref.uid];
  }
}
