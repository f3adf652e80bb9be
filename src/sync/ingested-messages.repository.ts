import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { timeOrderedId } from '../../libs/ids/time-ordered-id';
import { EntityManager, Repository } from 'typeorm';
import { findByKeys } from '../database/find-by-keys';
import { insertRows } from '../database/insert-rows';
import { IngestedMessage } from './ingested-message.entity';

export type NewIngestedMessage = Omit<IngestedMessage, 'id' | 'organizationId' | 'createdAt'>;

/** What the ledger knows of a message it took: enough to tell a copy from a different message. */
export interface KnownMessage {
  contentHash: string | null;
  ticketId: string | null;
}

@Injectable()
export class IngestedMessagesRepository {
  constructor(@InjectRepository(IngestedMessage) private readonly ingested: Repository<IngestedMessage>) {}

  exists(organizationId: string, messageKey: string, manager?: EntityManager): Promise<boolean> {
    const repository = manager ? manager.getRepository(IngestedMessage) : this.ingested;
    return repository.existsBy({ organizationId, messageKey });
  }

  /** Bytes of raw mail the ledger holds for the organization (what its storage quota counts, with attachments). */
  async storedRawBytes(organizationId: string): Promise<number> {
    const row = await this.ingested
      .createQueryBuilder('ingested')
      .select('COALESCE(SUM(LENGTH(ingested.raw)), 0)', 'total')
      .where('ingested.organization_id = :organizationId', { organizationId })
      .getRawOne<{ total: string | number }>();
    return Number(row?.total ?? 0);
  }

  /** Which of these keys are already in the ledger, and what of (one query for a whole batch). */
  async findKnown(organizationId: string, keys: string[], manager?: EntityManager): Promise<Map<string, KnownMessage>> {
    const known = new Map<string, KnownMessage>();
    const rows = await findByKeys(
      manager ?? this.ingested.manager,
      IngestedMessage,
      'messageKey',
      organizationId,
      keys,
      ['messageKey', 'contentHash', 'ticketId'],
    );
    for (const { messageKey, contentHash, ticketId } of rows) known.set(messageKey, { contentHash, ticketId });
    return known;
  }

  /** Throws a unique violation when the message was already ingested (the exactly-once guard). */
  async insert(organizationId: string, row: NewIngestedMessage, manager: EntityManager): Promise<void> {
    await this.insertMany(organizationId, [row], manager);
  }

  /** `insert` for a run of messages in one statement: one already ingested fails them all. */
  async insertMany(organizationId: string, rows: NewIngestedMessage[], manager: EntityManager): Promise<void> {
    const identified: (NewIngestedMessage & { id: string })[] = [];
    for (const row of rows) identified.push({ ...row, id: timeOrderedId() });
    await insertRows(manager, IngestedMessage, identified, { shared: { organizationId } });
  }
}
