import { Injectable } from '@nestjs/common';
import { UsersService } from '../users/users.service';
import type { CreateOrganizationDto } from './dto/create-organization.dto';
import type { Organization } from './organization.entity';
import { OrganizationsRepository } from './organizations.repository';

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly organizations: OrganizationsRepository,
    private readonly users: UsersService,
  ) {}

  /** Creates the organization and its first admin together, or neither. */
  create(dto: CreateOrganizationDto): Promise<Organization> {
    return this.organizations.transaction(async (manager) => {
      const organization = await this.organizations.insert(manager, dto.name);
      await this.users.create(organization.id, { ...dto.admin, role: 'admin' }, manager);
      return organization;
    });
  }

  list(): Promise<Organization[]> {
    return this.organizations.list();
  }

  findById(id: string): Promise<Organization | null> {
    return this.organizations.findById(id);
  }
}
