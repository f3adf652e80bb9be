import { Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { DomainError } from '../common/errors/domain-error';
import { MailConnectionError } from '../common/net/mail-connection-error';
import { AppConfig } from '../config/app-config';
import { SystemMailer, systemMailUnavailable } from '../system-mail/system-mailer';
import type { PasswordTokenPurpose } from './password-token.entity';
import { PasswordTokensRepository } from './password-tokens.repository';
import type { UserSummary } from './user-summary';
import { UsersRepository } from './users.repository';
import { NewAccount, UsersService } from './users.service';

/** How long a link works: a reset is short-lived, an invitation waits for someone to read their mail. */
export const LINK_VALIDITY_MS: Record<PasswordTokenPurpose, number> = {
  reset: 30 * 60 * 1000,
  invitation: 7 * 24 * 3600 * 1000,
};

/** More unused reset links than this for one account and nothing more is sent (no mail bombing). */
const MAX_OPEN_RESET_LINKS = 3;

/** The link's token is 256 random bits; only its SHA-256 is stored, so the table alone opens no account. */
export function hashPasswordToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Makes single-use password links (reset, invitation) and mails them through the platform's mailer. */
@Injectable()
export class PasswordLinksService {
  private readonly logger = new Logger(PasswordLinksService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly tokens: PasswordTokensRepository,
    private readonly users: UsersRepository,
    private readonly usersService: UsersService,
    private readonly mailer: SystemMailer,
  ) {}

  /** Refuses up front (503) when links cannot be mailed, whoever asks and for whichever account. */
  assertAvailable(): void {
    if (!this.mailer.available) throw systemMailUnavailable();
  }

  /**
   * "Forgot password": the same answer and about the same work whether the account exists or not; the
   * mail goes out in the background, so the time to answer does not tell either. Disabled users get none.
   */
  async requestReset(email: string): Promise<void> {
    this.assertAvailable();
    const user = await this.users.findByEmail(email);
    if (!user || user.disabled) return;
    const now = new Date();
    if ((await this.tokens.countUsable(user.id, 'reset', now)) >= MAX_OPEN_RESET_LINKS) return;
    this.send(user, 'reset').catch((error: unknown) =>
      this.logger.warn(`A password reset link could not be sent: ${(error as Error).message}`),
    );
  }

  /**
   * Creates a user without a password and mails them an invitation. Refused before anything is made
   * when mail cannot be sent at all; when the server refuses the mail, the user exists and the error
   * says so (with their id), so the admin can send a link later.
   */
  async invite(
    organizationId: string,
    account: NewAccount & { password: null },
  ): Promise<{ user: UserSummary; expiresAt: Date }> {
    this.assertAvailable();
    const user = await this.usersService.create(organizationId, account);
    try {
      return { user, expiresAt: (await this.send(user, 'invitation')).expiresAt };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      throw new DomainError(
        error.kind,
        error.code,
        `${error.message}. The user was created: send them a link with POST /api/v1/users/${user.id}/password-reset`,
        { userId: user.id },
      );
    }
  }

  /**
   * Sends and waits: an admin asking for a link (or inviting) is told when the mail could not go out
   * (503 SYSTEM_MAIL_FAILED with the server's reason; the link made for it is never delivered, so unusable).
   */
  async send(
    user: Pick<UserSummary, 'id' | 'email' | 'name'>,
    purpose: PasswordTokenPurpose,
  ): Promise<{ expiresAt: Date }> {
    this.assertAvailable();
    const now = new Date();
    await this.tokens.deleteExpired(now);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + LINK_VALIDITY_MS[purpose]);
    await this.tokens.insert(user.id, purpose, hashPasswordToken(token), expiresAt);
    try {
      await this.mailer.send({ to: user.email, ...this.compose(user, purpose, token, expiresAt) });
    } catch (error) {
      if (!(error instanceof MailConnectionError)) throw error;
      throw new DomainError('unavailable', 'SYSTEM_MAIL_FAILED', `The link could not be mailed: ${error.message}`);
    }
    return { expiresAt };
  }

  private compose(
    user: Pick<UserSummary, 'email' | 'name'>,
    purpose: PasswordTokenPurpose,
    token: string,
    expiresAt: Date,
  ): { subject: string; text: string } {
    const base = this.config.publicUrl ?? `http://localhost:${this.config.port}`;
    const page = purpose === 'reset' ? 'reset-password' : 'accept-invitation';
    const link = `${base}/${page}?token=${token}`;
    const until = `It works once, until ${expiresAt.toISOString()}.`;
    if (purpose === 'reset') {
      return {
        subject: 'Reset your helpdesk password',
        text:
          `Hello ${user.name},\n\nSomeone asked to reset the password of ${user.email}. To choose a new one, open:\n\n` +
          `${link}\n\n${until} If it was not you, ignore this mail: your password stays as it is.\n`,
      };
    }
    return {
      subject: 'You have been invited to the helpdesk',
      text:
        `Hello ${user.name},\n\nAn account was made for you (${user.email}). To choose your password and sign in, open:\n\n` +
        `${link}\n\n${until}\n`,
    };
  }
}
