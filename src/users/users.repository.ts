import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { timeOrderedId } from '../../libs/ids/time-ordered-id';
import { EntityManager, IsNull, Repository } from 'typeorm';
import type { TenantRole, UserRole } from '../common/auth/user-role';
import { User } from './user.entity';
import { preparedRead } from '../database/prepared-read';

/** What the JWT strategy needs to know about the caller on every request. */
export type Caller = Pick<
  User,
  'id' | 'email' | 'name' | 'role' | 'organizationId' | 'disabled' | 'sessionVersion' | 'mustChangePassword'
>;

export interface NewUser {
  email: string;
  name: string;
  passwordHash: string;
  role: UserRole;
  mustChangePassword?: boolean;
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
      'SELECT "id", "email", "name", "role", "organization_id", "disabled", "session_version", "must_change_password" ' +
        'FROM "users" WHERE "id" = :id',
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
      session_version: number;
      must_change_password: boolean | number;
    }[];
    if (rows.length === 0) return null;
    const {
      organization_id: organizationId,
      disabled,
      session_version: sessionVersion,
      must_change_password: mustChangePassword,
      ...rest
    } = rows[0];
    return {
      ...rest,
      organizationId,
      disabled: Boolean(disabled),
      sessionVersion: Number(sessionVersion),
      mustChangePassword: Boolean(mustChangePassword),
    };
  }

  /** By id across tenants: only for the caller's own account (their token names them) and password links. */
  findById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
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
        mustChangePassword: user.mustChangePassword ?? false,
      }),
    );
  }

  async update(organizationId: string, id: string, patch: { role?: TenantRole; disabled?: boolean }): Promise<void> {
    await this.users.update({ organizationId, id }, patch);
  }

  /** Runs `work` in one transaction (a password link is used and the password set together, or neither). */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.users.manager.transaction(work);
  }

  /**
   * Sets the password and bumps the session version in one statement, so every token issued before
   * it stops working. Returns the new version (for the caller's fresh token).
   */
  async setPassword(
    manager: EntityManager,
    id: string,
    change: { passwordHash: string; mustChangePassword: boolean },
  ): Promise<number> {
    const repository = manager.getRepository(User);
    await repository
      .createQueryBuilder()
      .update(User)
      .set({
        passwordHash: change.passwordHash,
        mustChangePassword: change.mustChangePassword,
        sessionVersion: () => '"session_version" + 1',
      })
      .where('id = :id', { id })
      .execute();
    const updated = await repository.findOneByOrFail({ id });
    return updated.sessionVersion;
  }
}
