import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ConflictError, NotFoundError } from '../common/errors/domain-error';
import { isUniqueViolation } from '../database/unique-violation';
import { CallerCache } from './caller-cache';
import { randomBytes } from 'node:crypto';
import { PasswordHasher } from './password-hasher';
import { assertPasswordAllowed } from './password-policy';
import type { TenantRole, UserRole } from '../common/auth/user-role';
import { signInAccount, userSummary, type SignInAccount, type UserSummary } from './user-summary';
import { Caller, UsersRepository } from './users.repository';

/** An admin who takes alert mail, as other modules (alerts) see them. */
export interface AlertRecipient {
  id: string;
  email: string;
  name: string;
}

export interface NewAccount {
  email: string;
  /** Null: nobody knows a password yet; the user sets one with an invitation link. */
  password: string | null;
  name: string;
  role: UserRole;
  /** A password someone else chose (the generated first-start one): refused everywhere until changed. */
  mustChangePassword?: boolean;
}

@Injectable()
export class UsersService {
  /**
   * Names of users already read, by id, with their organization. A user's name never changes (nothing
   * updates it) and ids are never reused, so nothing here goes stale; it holds one entry per user read.
   * It spares the ticket list a query per page for its assignees' names.
   */
  private readonly names = new Map<string, { organizationId: string; name: string }>();
  private readonly callers = new CallerCache();

  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  /** `manager` lets a caller (e.g. organization creation) commit the user in its own transaction. */
  async create(organizationId: string | null, account: NewAccount, manager?: EntityManager): Promise<UserSummary> {
    // In the caller's transaction when there is one: a transaction waiting for a second pooled
    // connection deadlocks once every connection is held by such a transaction (a pool of 2, two creates).
    if (account.password !== null) assertPasswordAllowed(account.password, account.email);
    if (await this.users.findByEmail(account.email, manager)) throw this.emailTaken();
    // Without a password, the hash of 32 random bytes nobody keeps: no password signs in until the invitation is used.
    const passwordHash = await this.hasher.hash(account.password ?? randomBytes(32).toString('base64url'));
    try {
      return userSummary(await this.users.insert(organizationId, { ...account, passwordHash }, manager));
    } catch (error) {
      if (isUniqueViolation(error)) throw this.emailTaken();
      throw error;
    }
  }

  async list(organizationId: string): Promise<UserSummary[]> {
    return (await this.users.listInOrganization(organizationId)).map(userSummary);
  }

  async get(organizationId: string, id: string): Promise<UserSummary> {
    const user = await this.users.findInOrganization(organizationId, id);
    if (!user) throw new NotFoundError('User');
    return userSummary(user);
  }

  /** Refuses a change that would leave the organization without an active admin. */
  async update(
    organizationId: string,
    id: string,
    patch: { role?: TenantRole; disabled?: boolean },
  ): Promise<UserSummary> {
    const user = await this.get(organizationId, id);
    const losesAdmin = user.role === 'admin' && !user.disabled && (patch.role === 'agent' || patch.disabled === true);
    if (losesAdmin && (await this.users.countActiveAdmins(organizationId)) <= 1) {
      throw new ConflictError('LAST_ADMIN', 'An organization must keep at least one active admin');
    }
    await this.users.update(organizationId, id, patch);
    this.callers.evict(id);
    return this.get(organizationId, id);
  }

  /** The organization's active admins who have not opted out of alert mail. */
  alertRecipients(organizationId: string): Promise<AlertRecipient[]> {
    return this.users.findAlertRecipients(organizationId);
  }

  /** The user's own alert-mail preference (`PATCH /me`); the organization is null for the superadmin. */
  async alertEmails(organizationId: string | null, id: string): Promise<boolean> {
    const value = await this.users.findAlertEmails(organizationId, id);
    if (value === null) throw new NotFoundError('User');
    return value;
  }

  async setAlertEmails(organizationId: string | null, id: string, alertEmails: boolean): Promise<boolean> {
    await this.users.setAlertEmails(organizationId, id, alertEmails);
    return this.alertEmails(organizationId, id);
  }

  /** The account behind a sign-in or a password link, with what signing in checks. */
  async findByEmail(email: string): Promise<SignInAccount | null> {
    const user = await this.users.findByEmail(email);
    return user && signInAccount(user);
  }

  /** After a change made elsewhere in this module (a password), the next request re-reads the caller. */
  evictCaller(id: string): void {
    this.callers.evict(id);
  }

  /** The caller of a request, re-read at most once a second (see CallerCache). */
  findCaller(id: string): Promise<Caller | null> {
    return this.callers.get(id, (userId) => this.users.findCaller(userId));
  }

  /** The names of the organization's users among `ids`, by id; unknown ids are left out. */
  async namesByIds(organizationId: string, ids: Iterable<string>): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    const missing = unique.filter((id) => !this.names.has(id));
    if (missing.length > 0) {
      for (const user of await this.users.findNames(organizationId, missing)) {
        this.names.set(user.id, { organizationId, name: user.name });
      }
    }
    const found = new Map<string, string>();
    for (const id of unique) {
      const known = this.names.get(id);
      if (known?.organizationId === organizationId) found.set(id, known.name);
    }
    return found;
  }

  existsSuperadmin(): Promise<boolean> {
    return this.users.existsSuperadmin();
  }

  private emailTaken(): ConflictError {
    return new ConflictError('EMAIL_TAKEN', 'A user with this email address already exists');
  }
}
