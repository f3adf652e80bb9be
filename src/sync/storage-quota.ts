import { Injectable } from '@nestjs/common';
import type { ParsedMessage } from '../../libs/mail/parsed-message';
import { AppConfig } from '../config/app-config';
import { TicketsService } from '../tickets/tickets.service';
import { IngestedMessagesRepository } from './ingested-messages.repository';
import { SyncError } from './sync-error';

/** What one organization may still store during a run: counted once at the start, then charged as it goes. */
export class QuotaBudget {
  constructor(
    private readonly quota: number,
    private used: number,
  ) {}

  /** Charges `bytes`, or throws the `storage-quota` failure when they do not fit (nothing is charged then). */
  charge(bytes: number): void {
    if (this.used + bytes > this.quota) {
      throw new SyncError(
        'storage-quota',
        `Storage quota reached: this organization stores ${this.used} of its ${this.quota} bytes and the message needs ${bytes} more. ` +
          'Raise STORAGE_QUOTA_BYTES, then retry the message.',
      );
    }
    this.used += bytes;
  }
}

/**
 * STORAGE_QUOTA_BYTES per organization: the raw mail its ledger holds plus its tickets' attachments.
 * Without a quota nothing is counted (no query at all).
 */
@Injectable()
export class StorageQuota {
  constructor(
    private readonly config: AppConfig,
    private readonly ingested: IngestedMessagesRepository,
    private readonly tickets: TicketsService,
  ) {}

  async budget(organizationId: string): Promise<QuotaBudget | null> {
    const quota = this.config.sync.storageQuotaBytes;
    if (quota === null) return null;
    const [raw, attachments] = await Promise.all([
      this.ingested.storedRawBytes(organizationId),
      this.tickets.storedAttachmentBytes(organizationId),
    ]);
    return new QuotaBudget(quota, raw + attachments);
  }
}

/** What storing a message costs its organization's quota: its raw bytes and its attachments. */
export function storedBytesOf(message: ParsedMessage, raw: Buffer): number {
  let bytes = raw.length;
  for (const attachment of message.attachments) bytes += attachment.content.length;
  return bytes;
}
