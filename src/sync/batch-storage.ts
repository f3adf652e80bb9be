import { Injectable } from '@nestjs/common';
import { AttachmentStorage } from '../storage/attachment-storage';
import { type BatchItem, MessageIngestor } from './message-ingestor';
import { classifySyncError } from './sync-error';
import { type QuotaBudget, storedBytesOf } from './storage-quota';

/** Raw bytes over this go to file storage; smaller ones stay in the ledger row itself. */
const INLINE_RAW_BYTES = 256 * 1024;

/**
 * Stores the raw bytes and attachments of a batch's new messages (content-addressed, idempotent) before
 * the batch's transaction, so no file I/O happens while it is open. Only after the duplicate check, so a
 * message already ingested leaves no file behind, and each message only while its organization's storage
 * quota has room. A message that cannot be stored gets its error and goes to the failures list in the commit.
 */
@Injectable()
export class BatchStorage {
  constructor(
    private readonly ingestor: MessageIngestor,
    private readonly storage: AttachmentStorage,
  ) {}

  async store(organizationId: string, budget: QuotaBudget | null, batch: BatchItem[]): Promise<void> {
    const duplicates = await this.ingestor.duplicatesOf(organizationId, batch);
    await Promise.all(batch.map((item, index) => (duplicates.has(index) ? null : this.storeItem(budget, item))));
  }

  private async storeItem(budget: QuotaBudget | null, item: BatchItem): Promise<void> {
    const { message, raw, context } = item;
    if (!message || item.error) return;
    try {
      // Charged in batch order: each item is charged before the first await of any.
      budget?.charge(storedBytesOf(message, raw));
      // Each stored attachment records where it went, so Tickets does not store it a second time.
      const [rawStored] = await Promise.all([
        raw.length > INLINE_RAW_BYTES ? this.storage.put(raw) : null,
        ...message.attachments.map(async (attachment) => {
          attachment.storedAs ??= await this.storage.put(attachment.content);
        }),
      ]);
      if (rawStored) context.rawKey = rawStored.key;
    } catch (caught) {
      item.message = null;
      item.content = null;
      item.error = classifySyncError(caught);
    }
  }
}
