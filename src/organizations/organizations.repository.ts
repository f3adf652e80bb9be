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

  /** Runs `work` in one transaction, so an organization never exists without its first admin. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.organizations.manager.transaction(work);
  }

  insert(manager: EntityManager, name: string): Promise<Organization> {
    const repository = manager.getRepository(Organization);
    return repository.save(repository.create({ id: timeOrderedId(), name }));
  }
}
