import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors/domain-error';
import { DomainEventPublisher } from '../database/domain-event-publisher';
import { EmailSettingsService } from '../settings/email-settings.service';
import { AttachmentStorage } from '../storage/attachment-storage';
import { type BatchItem, MessageIngestor } from './message-ingestor';
import { MessageProcessor } from './message-processor';
import { StorageQuota, storedBytesOf } from './storage-quota';
import { oversizedStandIn } from './oversized-message';
import type { SyncFailure, SyncFailureStatus } from './sync-failure.entity';
import { classifySyncError } from './sync-error';
import { SyncFailuresRepository, type ListedSyncFailure } from './sync-failures.repository';

export interface RetryResult {
  ok: boolean;
  outcome: string | null;
  ticketId: string | null;
  reason: string | null;
}

/** Mail that could not be processed, as a first-class list: inspect, retry, dismiss. */
@Injectable()
export class SyncFailuresService {
  constructor(
    private readonly failures: SyncFailuresRepository,
    private readonly ingestor: MessageIngestor,
    private readonly storage: AttachmentStorage,
    private readonly settings: EmailSettingsService,
    private readonly processor: MessageProcessor,
    private readonly quota: StorageQuota,
    private readonly events: DomainEventPublisher,
  ) {}

  list(organizationId: string, status: SyncFailureStatus): Promise<ListedSyncFailure[]> {
    return this.failures.list(organizationId, status, 500);
  }

  async get(organizationId: string, id: string): Promise<SyncFailure> {
    const failure = await this.failures.find(organizationId, id);
    if (!failure) throw new NotFoundError('Sync failure');
    return failure;
  }

  async raw(organizationId: string, id: string): Promise<Buffer> {
    return (await this.get(organizationId, id)).raw;
  }

  /**
   * Processes the stored bytes again (after a fix: a newer version, a raised limit or quota); on
   * success the failure is resolved. On a content worker under the message deadline, like a sync.
   */
  async retry(organizationId: string, id: string): Promise<RetryResult> {
    const failure = await this.get(organizationId, id);
    const stored = failure.raw;
    // A message over the size limit was ingested as a stand-in (its headers and the note, kept as the
    // reason): retry that same message, which the ledger knows, not a bodiless copy it would not.
    const raw = failure.errorClass === 'too-large' ? oversizedStandIn(stored, failure.reason) : stored;
    const context = {
      organizationId,
      runId: null,
      folder: failure.folder,
      uidValidity: failure.uidValidity,
      uid: failure.uid,
      rawKey: null as string | null,
      supportAddress: await this.settings.getSupportAddress(organizationId),
    };
    const item: BatchItem = { context, message: null, content: null, raw, error: null };
    try {
      Object.assign(item, await this.processor.process(raw, context));
      // A message ingested meanwhile is recognised below as a duplicate; nothing of it is stored again.
      if (!(await this.ingestor.duplicatesOf(organizationId, [item])).has(0)) {
        (await this.quota.budget(organizationId))?.charge(storedBytesOf(item.message!, raw));
        context.rawKey = (await this.storage.put(raw)).key;
      }
    } catch (caught) {
      Object.assign(item, { message: null, content: null, error: classifySyncError(caught) });
    }
    // A failed attempt is recorded again (one more attempt, the new reason) in the same transaction.
    const [result] = await this.ingestor.ingestBatch(
      { organizationId, folder: failure.folder, uidValidity: failure.uidValidity },
      [item],
    );
    if (result.outcome === 'failed') return { ok: false, outcome: null, ticketId: null, reason: result.reason };
    await this.failures.setStatus(organizationId, id, 'resolved', { ticketId: result.ticketId });
    await this.closed(organizationId, id, 'resolved');
    return { ok: true, outcome: result.outcome, ticketId: result.ticketId, reason: null };
  }

  async dismiss(organizationId: string, id: string): Promise<void> {
    await this.get(organizationId, id);
    await this.failures.setStatus(organizationId, id, 'dismissed');
    await this.closed(organizationId, id, 'dismissed');
  }

  /** Tells alerts how many entries are left open, so an emptied list clears its incident. */
  private async closed(organizationId: string, failureId: string, status: 'resolved' | 'dismissed'): Promise<void> {
    const openFailures = await this.failures.countOpen(organizationId);
    this.events.publish('sync.failure.closed', { organizationId, failureId, status, openFailures });
  }
}
