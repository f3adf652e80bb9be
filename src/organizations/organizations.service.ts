import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '../common/errors/domain-error';
import { DomainEventPublisher } from '../database/domain-event-publisher';
import { isUniqueViolation } from '../database/unique-violation';
import { UsersService } from '../users/users.service';
import type { CreateOrganizationDto } from './dto/create-organization.dto';
import type { Organization } from './organization.entity';
import { OrganizationStatusCache } from './organization-status-cache';
import { OrganizationsRepository } from './organizations.repository';

function nameTaken(): ConflictError {
  return new ConflictError(
    'ORGANIZATION_NAME_TAKEN',
    'An organization with this name already exists (letter case aside)',
  );
}

@Injectable()
export class OrganizationsService {
  private readonly status = new OrganizationStatusCache();

  constructor(
    private readonly organizations: OrganizationsRepository,
    private readonly users: UsersService,
    private readonly events: DomainEventPublisher,
  ) {}

  /** Creates the organization and its first admin together, or neither. */
  async create(dto: CreateOrganizationDto): Promise<Organization> {
    const name = dto.name.trim();
    try {
      return await this.organizations.transaction(async (manager) => {
        if (await this.organizations.nameTaken(name, null, manager)) throw nameTaken();
        const organization = await this.organizations.insert(manager, name);
        await this.users.create(organization.id, { ...dto.admin, role: 'admin' }, manager);
        return organization;
      });
    } catch (error) {
      // Two creations racing past the check: the unique index on lower(name) decides.
      if (isUniqueViolation(error) && (await this.organizations.nameTaken(name, null))) throw nameTaken();
      throw error;
    }
  }

  list(): Promise<Organization[]> {
    return this.organizations.list();
  }

  findById(id: string): Promise<Organization | null> {
    return this.organizations.findById(id);
  }

  /**
   * Renames and/or disables or enables. Disabling refuses its users at once (sign-in and existing
   * tokens) and publishes `organization.disabled`, on which Sync suspends its schedule; nothing is deleted.
   */
  async update(id: string, patch: { name?: string; disabled?: boolean }): Promise<Organization> {
    const before = await this.organizations.findById(id);
    if (!before) throw new NotFoundError('Organization');
    const name = patch.name?.trim();
    if (name !== undefined && (await this.organizations.nameTaken(name, id))) throw nameTaken();
    const changes = {
      ...(name !== undefined ? { name } : {}),
      ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
    };
    if (Object.keys(changes).length === 0) return before;
    try {
      await this.organizations.update(id, changes);
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken();
      throw error;
    }
    this.status.evict(id);
    if (patch.disabled !== undefined && patch.disabled !== before.disabled) {
      this.events.publish(patch.disabled ? 'organization.disabled' : 'organization.enabled', { organizationId: id });
    }
    return (await this.organizations.findById(id)) as Organization;
  }

  /** False for a disabled (or deleted) organization; true for the superadmin's null organization. */
  isActive(organizationId: string | null): Promise<boolean> {
    if (organizationId === null) return Promise.resolve(true);
    return this.status.get(organizationId, async (id) => (await this.organizations.isDisabled(id)) === false);
  }
}
