import { Injectable } from '@nestjs/common';
import { compare, hash } from 'bcryptjs';
import { AppConfig } from '../config/app-config';

@Injectable()
export class PasswordHasher {
  /** Compared against when the account does not exist, so both failures cost the same time. */
  private dummyHash: Promise<string> | null = null;

  constructor(private readonly config: AppConfig) {}

  hash(password: string): Promise<string> {
    return hash(password, this.config.passwordHashCost);
  }

  verify(password: string, passwordHash: string): Promise<boolean> {
    return compare(password, passwordHash);
  }

  async burnTime(password: string): Promise<void> {
    this.dummyHash ??= this.hash('not-a-real-password');
    await compare(password, await this.dummyHash);
  }
}
