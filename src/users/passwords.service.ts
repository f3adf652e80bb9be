import { Injectable } from '@nestjs/common';
import { DomainError, NotFoundError } from '../common/errors/domain-error';
import { PasswordHasher } from './password-hasher';
import { hashPasswordToken } from './password-links.service';
import { assertPasswordAllowed } from './password-policy';
import { PasswordTokensRepository } from './password-tokens.repository';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

function invalidLink(): DomainError {
  return new DomainError('validation', 'PASSWORD_LINK_INVALID', 'This link is unknown, already used or expired');
}

/**
 * Every way a password is set after the account exists: by its owner, by an admin (temporary), or
 * with a link. Each checks the policy, and each bumps the session version, so older tokens stop working.
 */
@Injectable()
export class PasswordsService {
  constructor(
    private readonly users: UsersRepository,
    private readonly tokens: PasswordTokensRepository,
    private readonly hasher: PasswordHasher,
    private readonly usersService: UsersService,
  ) {}

  /** The caller proves the current password; returns the new session version for their fresh token. */
  async change(userId: string, currentPassword: string, newPassword: string): Promise<number> {
    const user = await this.users.findById(userId);
    if (!user) throw new NotFoundError('User');
    if (!(await this.hasher.verify(currentPassword, user.passwordHash))) {
      throw new DomainError('forbidden', 'CURRENT_PASSWORD_WRONG', 'The current password is wrong');
    }
    if (currentPassword === newPassword) {
      throw new DomainError('validation', 'PASSWORD_UNCHANGED', 'The new password must differ from the current one');
    }
    assertPasswordAllowed(newPassword, user.email);
    return this.store(userId, newPassword, false);
  }

  /** An admin's temporary password for a user of their organization: it must be changed at next sign-in. */
  async setTemporary(organizationId: string, userId: string, temporaryPassword: string): Promise<void> {
    const user = await this.usersService.get(organizationId, userId);
    assertPasswordAllowed(temporaryPassword, user.email);
    await this.store(userId, temporaryPassword, true);
  }

  /** Sets the password with a reset or invitation link's token; the link is used up in the same transaction. */
  async confirm(token: string, newPassword: string): Promise<void> {
    const now = new Date();
    const found = await this.tokens.findUsable(hashPasswordToken(token), now);
    const user = found ? await this.users.findById(found.userId) : null;
    if (!found || !user || user.disabled) throw invalidLink();
    assertPasswordAllowed(newPassword, user.email);
    const passwordHash = await this.hasher.hash(newPassword);
    await this.users.transaction(async (manager) => {
      if (!(await this.tokens.use(manager, found.id, now))) throw invalidLink();
      await this.users.setPassword(manager, user.id, { passwordHash, mustChangePassword: false });
      await this.tokens.revokeAll(manager, user.id, now);
    });
    this.usersService.evictCaller(user.id);
  }

  private async store(userId: string, password: string, mustChangePassword: boolean): Promise<number> {
    const passwordHash = await this.hasher.hash(password);
    const version = await this.users.transaction(async (manager) => {
      const next = await this.users.setPassword(manager, userId, { passwordHash, mustChangePassword });
      // A password set by hand also voids any link still in someone's inbox.
      await this.tokens.revokeAll(manager, userId, new Date());
      return next;
    });
    this.usersService.evictCaller(userId);
    return version;
  }
}
