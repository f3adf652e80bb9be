import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { timeOrderedId } from '../../libs/ids/time-ordered-id';
import { EntityManager, Repository } from 'typeorm';
import { Organization } from './organization.entity';

@Injectable()
export class OrganizationsRepository {
  constructor(@InjectRepository(Organization) private readonly organizations: Repository<Organization>) {}

  findById(id: string): Promise<Organization | null> {
    return this.organizations.findOneBy({ id });
  }

  list(): Promise<Organization[]> {
    return this.organizations.find({ order: { createdAt: 'ASC', name: 'ASC' } });
  }

  /** Compared like the unique index on lower(name), so the early check and the index agree. */
  async nameTaken(name: string, exceptId: string | null, manager?: EntityManager): Promise<boolean> {
    const query = (manager ? manager.getRepository(Organization) : this.organizations)
      .createQueryBuilder('organization')
      .where('lower(organization.name) = lower(:name)', { name });
    if (exceptId) query.andWhere('organization.id <> :exceptId', { exceptId });
    return (await query.getCount()) > 0;
  }

  /** Runs `work` in one transaction, so an organization never exists without its first admin. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.organizations.manager.transaction(work);
  }

  insert(manager: EntityManager, name: string): Promise<Organization> {
    const repository = manager.getRepository(Organization);
    return repository.save(repository.create({ id: timeOrderedId(), name, disabled: false }));
  }

  async update(id: string, patch: { name?: string; disabled?: boolean }): Promise<void> {
    await this.organizations.update({ id }, patch);
  }

  /** Read on every request (through a one-second cache): one column, no entity. */
  async isDisabled(id: string): Promise<boolean | null> {
    const row = await this.organizations.findOne({ where: { id }, select: { id: true, disabled: true } });
    return row ? row.disabled : null;
  }
}
