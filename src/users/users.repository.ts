import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { timeOrderedId } from '../../libs/ids/time-ordered-id';
import { EntityManager, IsNull, Repository } from 'typeorm';
import type { TenantRole, UserRole } from './user-role';
import { User } from './user.entity';
import { preparedRead } from '../database/prepared-read';

/** What the JWT strategy needs to know about the caller on every request. */
export type Caller = Pick<User, 'id' | 'email' | 'name' | 'role' | 'organizationId' | 'disabled'>;

export interface NewUser {
  email: string;
  name: string;
  passwordHash: string;
  role: UserRole;
}

/** The only place that touches the users table. Tenant methods take the organization id first. */
@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  /** Login looks users up across tenants: an email address is unique on the platform. */
  /** With `manager`, inside that transaction: on its connection, not a second one from the pool. */
  findByEmail(email: string, manager?: EntityManager): Promise<User | null> {
    const repository = manager ? manager.getRepository(User) : this.users;
    return repository.findOneBy({ email: email.toLowerCase() });
  }

  /**
   * Read on every authenticated request (so a disabled user is refused at once): plain SQL for the six
   * columns needed, because building and hydrating a TypeORM find cost more than the lookup itself.
   */
  async findCaller(id: string): Promise<Caller | null> {
    const [sql, parameters] = this.users.manager.connection.driver.escapeQueryWithParameters(
      'SELECT "id", "email", "name", "role", "organization_id", "disabled" FROM "users" WHERE "id" = :id',
      { id },
    );
    const rows = (await preparedRead(this.users.manager.connection, sql, parameters)) as {
      id: string;
      email: string;
      name: string;
      role: UserRole;
      organization_id: string | null;
      // SQLite answers 0 or 1.
      disabled: boolean | number;
    }[];
    if (rows.length === 0) return null;
    const { organization_id: organizationId, disabled, ...rest } = rows[0];
    return { ...rest, organizationId, disabled: Boolean(disabled) };
  }

  findInOrganization(organizationId: string, id: string): Promise<User | null> {
    return this.users.findOneBy({ organizationId, id });
  }

  /** Only the id and name of the given users (e.g. the assignees on a page of tickets), in plain SQL like findCaller. */
  async findNames(organizationId: string, ids: string[]): Promise<Pick<User, 'id' | 'name'>[]> {
    const [sql, parameters] = this.users.manager.connection.driver.escapeQueryWithParameters(
      'SELECT "id", "name" FROM "users" WHERE "organization_id" = :organizationId AND "id" IN (:...ids)',
      { organizationId, ids },
    );
    return (await preparedRead(this.users.manager.connection, sql, parameters)) as Pick<User, 'id' | 'name'>[];
  }

  listInOrganization(organizationId: string): Promise<User[]> {
    return this.users.find({ where: { organizationId }, order: { createdAt: 'ASC', email: 'ASC' } });
  }

  /** The organization's active admins who take alert mail. */
  findAlertRecipients(organizationId: string): Promise<Pick<User, 'id' | 'email' | 'name'>[]> {
    return this.users.find({
      select: { id: true, email: true, name: true },
      where: { organizationId, role: 'admin', disabled: false, alertEmails: true },
      order: { email: 'ASC' },
    });
  }

  /** Whether the user takes alert mail; null when there is no such user (the superadmin's organization is null). */
  async findAlertEmails(organizationId: string | null, id: string): Promise<boolean | null> {
    const user = await this.users.findOne({
      select: { id: true, alertEmails: true },
      where: { organizationId: organizationId ?? IsNull(), id },
    });
    return user ? user.alertEmails : null;
  }

  async setAlertEmails(organizationId: string | null, id: string, alertEmails: boolean): Promise<void> {
    await this.users.update({ organizationId: organizationId ?? IsNull(), id }, { alertEmails });
  }

  countActiveAdmins(organizationId: string): Promise<number> {
    return this.users.countBy({ organizationId, role: 'admin', disabled: false });
  }

  existsSuperadmin(): Promise<boolean> {
    return this.users.existsBy({ role: 'superadmin' });
  }

  /** `manager` lets an organization and its first admin commit together. */
  insert(organizationId: string | null, user: NewUser, manager?: EntityManager): Promise<User> {
    const repository = manager ? manager.getRepository(User) : this.users;
    return repository.save(
      repository.create({
        ...user,
        id: timeOrderedId(),
        email: user.email.toLowerCase(),
        organizationId,
        disabled: false,
      }),
    );
  }

  async update(organizationId: string, id: string, patch: { role?: TenantRole; disabled?: boolean }): Promise<void> {
    await this.users.update({ organizationId, id }, patch);
  }
}
