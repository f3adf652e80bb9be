import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { EntityManager, Repository } from 'typeorm';
import { IngestedMessage } from './ingested-message.entity';

export type NewIngestedMessage = Omit<IngestedMessage, 'id' | 'organizationId' | 'createdAt'>;

@Injectable()
export class IngestedMessagesRepository {
  constructor(@InjectRepository(IngestedMessage) private readonly ingested: Repository<IngestedMessage>) {}

  exists(organizationId: string, messageKey: string, manager?: EntityManager): Promise<boolean> {
    const repository = manager ? manager.getRepository(IngestedMessage) : this.ingested;
    return repository.existsBy({ organizationId, messageKey });
  }

  /** Throws a unique violation when the message was already ingested (the exactly-once guard). */
  async insert(organizationId: string, row: NewIngestedMessage, manager: EntityManager): Promise<void> {
    const repository = manager.getRepository(IngestedMessage);
    await repository.insert(repository.create({ ...row, id: randomUUID(), organizationId }));
  }
}
