import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { UsersService } from '../users/users.service';

export const DEFAULT_SUPERADMIN_EMAIL = 'admin@localhost';

/**
 * On an empty database, creates the platform superadmin: from SUPERADMIN_EMAIL/SUPERADMIN_PASSWORD when
 * set, otherwise admin@localhost with a random password that main.ts prints once (never logged) and
 * that must be changed at the first sign-in.
 */
@Injectable()
export class SuperadminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(SuperadminBootstrapService.name);
  private generated: { email: string; password: string } | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (await this.users.existsSuperadmin()) return;
    const configured = this.config.superadmin;
    const account = configured ?? { email: DEFAULT_SUPERADMIN_EMAIL, password: randomBytes(18).toString('base64url') };
    // A generated password has been on a console: it must be changed before anything else is done.
    await this.users.create(null, {
      ...account,
      name: 'Superadmin',
      role: 'superadmin',
      mustChangePassword: !configured,
    });
    this.logger.log(`Created the superadmin ${account.email}`);
    if (!configured) this.generated = account;
  }

  /** The generated credentials, handed out exactly once so they are printed once. */
  takeGeneratedCredentials(): { email: string; password: string } | null {
    const generated = this.generated;
    this.generated = null;
    return generated;
  }
}
