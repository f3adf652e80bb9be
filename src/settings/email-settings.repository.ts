import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { IncomingEmailSettings } from './incoming-email-settings.entity';
import { OutgoingEmailSettings } from './outgoing-email-settings.entity';

type Fields<T> = Omit<T, 'organizationId' | 'createdAt' | 'updatedAt'>;
export type IncomingFields = Fields<IncomingEmailSettings>;
export type OutgoingFields = Fields<OutgoingEmailSettings>;

/** The only place that touches the email settings tables. Every method takes the organization id first. */
@Injectable()
export class EmailSettingsRepository {
  constructor(
    @InjectRepository(IncomingEmailSettings) private readonly incoming: Repository<IncomingEmailSettings>,
    @InjectRepository(OutgoingEmailSettings) private readonly outgoing: Repository<OutgoingEmailSettings>,
  ) {}

  findIncoming(organizationId: string): Promise<IncomingEmailSettings | null> {
    return this.incoming.findOneBy({ organizationId });
  }

  findOutgoing(organizationId: string): Promise<OutgoingEmailSettings | null> {
    return this.outgoing.findOneBy({ organizationId });
  }

  /** Creates or replaces the organization's incoming settings. */
  saveIncoming(organizationId: string, fields: IncomingFields): Promise<IncomingEmailSettings> {
    return this.incoming.save(this.incoming.create({ ...fields, organizationId }));
  }

  /** Creates or replaces the organization's outgoing settings. */
  saveOutgoing(organizationId: string, fields: OutgoingFields): Promise<OutgoingEmailSettings> {
    return this.outgoing.save(this.outgoing.create({ ...fields, organizationId }));
  }
}
