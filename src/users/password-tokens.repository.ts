import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, LessThan, MoreThan, Repository } from 'typeorm';
import { timeOrderedId } from '../../libs/ids/time-ordered-id';
import { PasswordToken, PasswordTokenPurpose } from './password-token.entity';

/**
 * The only place that touches password_tokens. Tokens are found by their hash across tenants (the
 * holder of a link has no organization to name), like login finds a user by email.
 */
@Injectable()
export class PasswordTokensRepository {
  constructor(@InjectRepository(PasswordToken) private readonly tokens: Repository<PasswordToken>) {}

  async insert(userId: string, purpose: PasswordTokenPurpose, tokenHash: string, expiresAt: Date): Promise<void> {
    await this.tokens.insert({ id: timeOrderedId(), userId, purpose, tokenHash, expiresAt, usedAt: null });
  }

  /** A token that is still usable now (not used, not expired), without using it. */
  findUsable(tokenHash: string, now: Date): Promise<PasswordToken | null> {
    return this.tokens.findOneBy({ tokenHash, usedAt: IsNull(), expiresAt: MoreThan(now) });
  }

  /**
   * Uses the token: one conditional UPDATE, so of two requests racing with the same link exactly one
   * gets `true`. With `manager`, in the caller's transaction (the password changes in the same one).
   */
  async use(manager: EntityManager, tokenId: string, now: Date): Promise<boolean> {
    const result = await manager
      .getRepository(PasswordToken)
      .update({ id: tokenId, usedAt: IsNull(), expiresAt: MoreThan(now) }, { usedAt: now });
    return (result.affected ?? 0) === 1;
  }

  /** Once the password is set, every other outstanding link of the user stops working. */
  async revokeAll(manager: EntityManager, userId: string, now: Date): Promise<void> {
    await manager.getRepository(PasswordToken).update({ userId, usedAt: IsNull() }, { usedAt: now });
  }

  countUsable(userId: string, purpose: PasswordTokenPurpose, now: Date): Promise<number> {
    return this.tokens.countBy({ userId, purpose, usedAt: IsNull(), expiresAt: MoreThan(now) });
  }

  /** Expired links are of no use to anyone; dropped whenever a new one is made. */
  async deleteExpired(now: Date): Promise<void> {
    await this.tokens.delete({ expiresAt: LessThan(now) });
  }
}
