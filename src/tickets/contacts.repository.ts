import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { timeOrderedId } from '../../libs/ids/time-ordered-id';
import { insertRows } from '../database/insert-rows';
import { Contact } from './contact.entity';

export interface ContactInput {
  /** Lower-case. */
  email: string;
  name: string;
}

/** The only place that touches the contacts table. Every method takes the organization id first. */
@Injectable()
export class ContactsRepository {
  constructor(@InjectRepository(Contact) private readonly contacts: Repository<Contact>) {}

  /**
   * Finds or creates a contact per address (a display name fills in an empty one). Addresses are
   * written in sorted order, so two transactions creating the same people cannot deadlock.
   * Returns the contacts by lower-case address.
   */
  async upsertMany(
    organizationId: string,
    people: ContactInput[],
    manager: EntityManager,
  ): Promise<Map<string, Contact>> {
    const byEmail = new Map<string, ContactInput>();
    for (const person of people) {
      const known = byEmail.get(person.email);
      if (!known || (!known.name && person.name)) byEmail.set(person.email, person);
    }
    if (byEmail.size === 0) return new Map();
    // Loops, not per-call arrows, on this path of every synced message (docs/ARCHITECTURE.md, "Hot paths").
    const sorted = [...byEmail.values()].sort(compareEmails);
    const now = new Date();
    const rows: Contact[] = [];
    for (const person of sorted)
      rows.push({ id: timeOrderedId(), organizationId, ...person, createdAt: now, updatedAt: now });
    // Mostly new people in a batch of new tickets: what was inserted is known without reading it back.
    const inserted = new Set(await insertRows(manager, Contact, rows, { orIgnore: true, returning: 'email' }));
    const found = new Map<string, Contact>();
    const existing: string[] = [];
    for (const row of rows) {
      if (inserted.has(row.email)) found.set(row.email, row);
      else existing.push(row.email);
    }
    if (existing.length > 0) {
      for (const contact of await manager.getRepository(Contact).findBy({ organizationId, email: In(existing) })) {
        const name = byEmail.get(contact.email)?.name;
        if (!contact.name && name) {
          await manager.getRepository(Contact).update({ organizationId, id: contact.id }, { name });
          contact.name = name;
        }
        found.set(contact.email, contact);
      }
    }
    return found;
  }

  findByEmail(organizationId: string, email: string, manager?: EntityManager): Promise<Contact | null> {
    return this.repository(manager).findOneBy({ organizationId, email: email.toLowerCase() });
  }

  async findByIds(organizationId: string, ids: string[], manager?: EntityManager): Promise<Map<string, Contact>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const found = await this.repository(manager).findBy({ organizationId, id: In(unique) });
    return new Map(found.map((contact) => [contact.id, contact]));
  }

  private repository(manager?: EntityManager): Repository<Contact> {
    return manager ? manager.getRepository(Contact) : this.contacts;
  }
}

function compareEmails(a: ContactInput, b: ContactInput): number {
  return a.email < b.email ? -1 : a.email > b.email ? 1 : 0;
}
