import { Injectable } from '@nestjs/common';
import { isEmail } from 'class-validator';
import { SecretBox } from '../common/crypto/secret-box';
import { secretContext, type SecretColumn } from '../common/crypto/secret-column';
import { ConflictError, NotFoundError, ValidationFailedError, type FieldError } from '../common/errors/domain-error';
import { DomainEventPublisher } from '../database/domain-event-publisher';
import { MailConnectionError } from '../common/net/mail-connection-error';
import { checkOutboundHost } from '../common/net/outbound-policy';
import { withTimeout } from '../common/net/with-timeout';
import { AppConfig } from '../config/app-config';
import type { ImapConnectionSettings, ImapCredential } from '../mailbox/imap-settings';
import type { SmtpConnectionSettings } from '../mailer/smtp-settings';
import { MailAccessTokens, type OAuthConnectionSnapshot } from '../oauth/mail-access-tokens';
import {
  EmailSettingsResponse,
  IncomingSettingsResponse,
  OAuthConnectionResponse,
  OutgoingSettingsResponse,
} from './dto/email-settings.response';
import type { IncomingSettingsDto } from './dto/incoming-settings.dto';
import { outgoingCredentialErrors, outgoingLogin, type OutgoingSettingsDto } from './dto/outgoing-settings.dto';
import { INCOMING_PASSWORD, OUTGOING_PASSWORD } from './email-settings-secrets';
import { MailCredentials, type TokenOptions } from './mail-credentials';
import { PROVIDER_PRESETS, serverWithPreset, type MailServer } from './provider-presets';
import { MailHostBlockedError } from './email-settings.errors';
import type { MailIdentity } from './mail-identity';
import { EmailSettingsRepository } from './email-settings.repository';
import { asProtectedAs, sameEndpoint, smtpMayUseImapCredentials, type MailEndpoint } from './credential-reuse';
import type { IncomingAuth, IncomingEmailSettings } from './incoming-email-settings.entity';
import type { OutgoingEmailSettings } from './outgoing-email-settings.entity';

/** What the mailer needs to send as an organization: the server and the sender. */
export interface OutgoingConnection {
  settings: SmtpConnectionSettings;
  from: { address: string; name?: string };
}

const DEFAULT_FOLDER = 'INBOX';

function passwordRequired(): FieldError {
  return {
    field: 'password',
    messages: [
      'password is required for new settings and whenever host, port, security, verifyCertificate or username change',
    ],
  };
}

/** The endpoint a DTO points at, with the defaults a save would store. */
function endpointOf(
  server: MailServer,
  dto: IncomingSettingsDto | OutgoingSettingsDto,
  username: string | null,
): MailEndpoint {
  return { ...server, verifyCertificate: dto.verifyCertificate ?? true, username };
}

/** The server fields left out that no provider preset fills in. */
function serverRequired(given: Partial<MailServer>): FieldError[] {
  return (['host', 'port', 'security'] as const)
    .filter((field) => given[field] === undefined)
    .map((field) => ({
      field,
      messages: [`${field} is required (only an OAuth2 account of Microsoft or Google has a preset)`],
    }));
}

/** What an incoming DTO resolves to: how it logs in, where, and as whom. */
interface IncomingTarget {
  auth: IncomingAuth;
  server: MailServer;
  username: string;
}

/** Why the incoming password may not log in to this SMTP server, as field errors; empty when it may. */
function incomingCredentialReuseErrors(incoming: IncomingEmailSettings, smtp: MailEndpoint): FieldError[] {
  if (!smtpMayUseImapCredentials(incoming.host, smtp.host)) {
    return [
      {
        field: 'useIncomingCredentials',
        messages: [
          `The incoming password is only sent to the incoming server ${incoming.host} (or its provider's SMTP ` +
            'server); set useIncomingCredentials to false and enter the username and password for this SMTP server',
        ],
      },
    ];
  }
  if (!asProtectedAs(incoming, smtp)) {
    return [
      {
        field: smtp.security === 'none' && incoming.security !== 'none' ? 'security' : 'verifyCertificate',
        messages: [
          'With useIncomingCredentials the outgoing connection must be encrypted and verify certificates whenever ' +
            'the incoming one does, or the incoming password could be read on the way',
        ],
      },
    ];
  }
  return [];
}

/**
 * An organization's email settings: saved and read through here only. Passwords are sealed before they
 * reach the repository and opened only to build a connection; no response ever carries them.
 */
@Injectable()
export class EmailSettingsService {
  constructor(
    private readonly repository: EmailSettingsRepository,
    private readonly secrets: SecretBox,
    private readonly config: AppConfig,
    private readonly events: DomainEventPublisher,
    private readonly tokens: MailAccessTokens,
    private readonly credentials: MailCredentials,
  ) {}

  async get(organizationId: string): Promise<EmailSettingsResponse> {
    const [incoming, outgoing, oauth] = await Promise.all([
      this.repository.findIncoming(organizationId),
      this.repository.findOutgoing(organizationId),
      this.tokens.connection(organizationId),
    ]);
    return {
      incoming: incoming ? IncomingSettingsResponse.from(incoming) : null,
      outgoing: outgoing ? OutgoingSettingsResponse.from(outgoing) : null,
      oauth: oauth ? OAuthConnectionResponse.from(oauth) : null,
    };
  }

  /** How the saved incoming account logs in; null when none is saved. */
  async incomingAuth(organizationId: string): Promise<IncomingAuth | null> {
    return (await this.repository.findIncoming(organizationId))?.auth ?? null;
  }

  async saveIncoming(organizationId: string, dto: IncomingSettingsDto): Promise<IncomingSettingsResponse> {
    const [stored, target] = await Promise.all([
      this.repository.findIncoming(organizationId),
      this.incomingTarget(organizationId, dto),
    ]);
    const { auth, server, username } = target;
    let passwordSealed: string | null = null;
    if (auth === 'password') {
      const samePlace = stored?.auth === 'password' && sameEndpoint(stored, endpointOf(server, dto, username));
      passwordSealed = this.passwordToStore(
        organizationId,
        INCOMING_PASSWORD,
        dto.password,
        samePlace ? stored.passwordSealed : null,
      );
      if (!passwordSealed) throw new ValidationFailedError([passwordRequired()]);
    }
    await this.assertHostAllowed(server.host);
    const saved = await this.repository.saveIncoming(organizationId, {
      ...server,
      auth,
      username,
      passwordSealed,
      folder: dto.folder ?? DEFAULT_FOLDER,
      verifyCertificate: dto.verifyCertificate ?? true,
      address: (dto.address ?? (isEmail(username) ? username : null))?.toLowerCase() ?? null,
    });
    this.events.publish('settings.email.changed', { organizationId, section: 'incoming' });
    return IncomingSettingsResponse.from(saved);
  }

  async saveOutgoing(organizationId: string, dto: OutgoingSettingsDto): Promise<OutgoingSettingsResponse> {
    const [incoming, stored] = await Promise.all([
      this.repository.findIncoming(organizationId),
      this.repository.findOutgoing(organizationId),
    ]);
    const login = outgoingLogin(dto);
    const errors = outgoingCredentialErrors(dto);
    const server = serverWithPreset(dto, await this.outgoingPreset(organizationId, incoming));
    if (!server) throw new ValidationFailedError([...errors, ...serverRequired(dto)]);
    if (login === 'incoming' && !incoming) {
      errors.push({
        field: 'useIncomingCredentials',
        messages: ['Save the incoming settings first, or set useIncomingCredentials to false'],
      });
    }
    if (login === 'incoming' && incoming)
      errors.push(...incomingCredentialReuseErrors(incoming, endpointOf(server, dto, null)));
    const fromAddress = dto.fromAddress ?? incoming?.address ?? null;
    if (!fromAddress) {
      errors.push({
        field: 'fromAddress',
        messages: ['fromAddress is required: the incoming settings have no email address to default to'],
      });
    }
    const ownBefore = stored?.passwordSealed && !stored.useIncomingCredentials;
    const kept =
      ownBefore && sameEndpoint(stored, endpointOf(server, dto, dto.username ?? null)) ? stored.passwordSealed : null;
    const passwordSealed =
      login === 'own' ? this.passwordToStore(organizationId, OUTGOING_PASSWORD, dto.password, kept) : null;
    if (login === 'own' && !passwordSealed) errors.push(passwordRequired());
    if (errors.length > 0 || !fromAddress) throw new ValidationFailedError(errors);
    await this.assertHostAllowed(server.host);
    const saved = await this.repository.saveOutgoing(organizationId, {
      ...server,
      authentication: login === 'none' ? 'none' : 'login',
      useIncomingCredentials: login === 'incoming',
      username: login === 'own' ? (dto.username ?? null) : null,
      passwordSealed,
      fromAddress: fromAddress.toLowerCase(),
      fromName: dto.fromName ?? null,
      verifyCertificate: dto.verifyCertificate ?? true,
    });
    this.events.publish('settings.email.changed', { organizationId, section: 'outgoing' });
    return OutgoingSettingsResponse.from(saved);
  }

  /**
   * The saved IMAP account with its password or access token, or null when none is saved. `forceRefresh`
   * after a server refused the token (see withFreshTokenRetry); a grant that cannot give one throws
   * MailboxGrantError.
   */
  async getIncomingConnection(
    organizationId: string,
    options: TokenOptions = {},
  ): Promise<ImapConnectionSettings | null> {
    const row = await this.repository.findIncoming(organizationId);
    return row ? this.toImapSettings(row, await this.credentials.incoming(organizationId, row, options)) : null;
  }

  /**
   * IMAP settings for a connection check: the saved ones, or `dto` (unsaved) whose password may be left
   * out to use the saved one, for the same host, port, security, certificate check and username only.
   */
  async incomingForCheck(
    organizationId: string,
    dto?: IncomingSettingsDto,
    options: TokenOptions = {},
  ): Promise<ImapConnectionSettings> {
    const stored = await this.repository.findIncoming(organizationId);
    if (!dto) {
      if (!stored) throw new NotFoundError('Incoming email settings');
      return this.toImapSettings(stored, await this.credentials.incoming(organizationId, stored, options));
    }
    const { auth, server, username } = await this.incomingTarget(organizationId, dto);
    const unsaved = {
      ...server,
      username,
      folder: dto.folder ?? DEFAULT_FOLDER,
      verifyCertificate: dto.verifyCertificate ?? true,
    };
    if (auth === 'oauth2') {
      return { ...unsaved, accessToken: (await this.credentials.token(organizationId, options)).accessToken };
    }
    let password = dto.password;
    if (!password && stored?.auth === 'password' && sameEndpoint(stored, endpointOf(server, dto, username)))
      password = this.credentials.incomingPassword(organizationId, stored);
    if (!password) throw new ValidationFailedError([passwordRequired()]);
    return { ...unsaved, password };
  }

  /** The saved SMTP server with the credentials it logs in with, or null when none is saved. */
  async getOutgoingConnection(organizationId: string, options: TokenOptions = {}): Promise<OutgoingConnection | null> {
    const row = await this.repository.findOutgoing(organizationId);
    if (!row) return null;
    const from = { address: row.fromAddress, ...(row.fromName ? { name: row.fromName } : {}) };
    const server = { host: row.host, port: row.port, security: row.security, verifyCertificate: row.verifyCertificate };
    return { settings: { ...server, auth: await this.outgoingAuth(organizationId, row, options) }, from };
  }

  /** The address customers write to: the incoming address, else the sender address; null when neither is saved. */
  async getSupportAddress(organizationId: string): Promise<string | null> {
    const incoming = await this.repository.findIncoming(organizationId);
    if (incoming?.address) return incoming.address;
    return (await this.repository.findOutgoing(organizationId))?.fromAddress ?? null;
  }

  /** The organization's sender and support address; null when no outgoing settings are saved (nothing can be sent). */
  async getMailIdentity(organizationId: string): Promise<MailIdentity | null> {
    const [incoming, outgoing] = await Promise.all([
      this.repository.findIncoming(organizationId),
      this.repository.findOutgoing(organizationId),
    ]);
    if (!outgoing) return null;
    const { fromAddress, fromName } = outgoing;
    return { fromAddress, fromName, supportAddress: incoming?.address || fromAddress };
  }

  private async outgoingAuth(
    organizationId: string,
    row: OutgoingEmailSettings,
    options: TokenOptions,
  ): Promise<SmtpConnectionSettings['auth']> {
    if (row.authentication === 'none') return null;
    if (!row.useIncomingCredentials && row.username !== null && row.passwordSealed !== null) {
      return {
        user: row.username,
        pass: this.secrets.open(row.passwordSealed, secretContext(OUTGOING_PASSWORD, organizationId)),
      };
    }
    const incoming = await this.repository.findIncoming(organizationId);
    if (!row.useIncomingCredentials || !incoming) {
      throw new ConflictError(
        'EMAIL_SETTINGS_INCOMPLETE',
        'The outgoing settings have no credentials to log in with; save them again',
      );
    }
    // Checked again on every use: rows saved before this rule, or an incoming host changed since.
    if (incomingCredentialReuseErrors(incoming, { ...row, username: null }).length > 0) {
      throw new ConflictError(
        'EMAIL_SETTINGS_INCOMPLETE',
        'The outgoing settings may not use the incoming password (another server than the incoming one, or a less ' +
          'protected connection); save them again with their own username and password',
      );
    }
    const credential = await this.credentials.incoming(organizationId, incoming, options);
    if (credential.accessToken !== undefined) return { user: incoming.username, accessToken: credential.accessToken };
    return { user: incoming.username, pass: credential.password };
  }

  /**
   * How an incoming DTO logs in, where and as whom. With OAuth2 the connected account is the username
   * unless one is given (a shared mailbox), and the provider's servers fill what is left out.
   */
  private async incomingTarget(organizationId: string, dto: IncomingSettingsDto): Promise<IncomingTarget> {
    const auth = dto.auth ?? 'password';
    const errors: FieldError[] = [];
    let username = dto.username;
    let connection: OAuthConnectionSnapshot | null = null;
    if (auth === 'oauth2') {
      connection = await this.tokens.connection(organizationId);
      username ??= connection?.account;
      if (dto.password !== undefined) {
        errors.push({
          field: 'password',
          messages: ['password is not used with auth "oauth2": the mailbox logs in with the connected account'],
        });
      }
      if (!username) {
        errors.push({
          field: 'username',
          messages: [
            'Connect the mailbox first (POST /api/v1/settings/email/oauth/authorize), or give the username ' +
              '(with an app-only connection: the mailbox address)',
          ],
        });
      }
    } else if (!username) {
      errors.push({ field: 'username', messages: ['username is required with auth "password"'] });
    }
    const preset = connection ? PROVIDER_PRESETS[connection.provider]?.incoming : undefined;
    const server = serverWithPreset(dto, preset);
    if (!server) errors.push(...serverRequired(dto));
    if (errors.length > 0 || !server || !username) throw new ValidationFailedError(errors);
    return { auth, server, username };
  }

  /** The provider's SMTP server, when the incoming account is connected with OAuth2. */
  private async outgoingPreset(
    organizationId: string,
    incoming: IncomingEmailSettings | null,
  ): Promise<MailServer | undefined> {
    if (incoming?.auth !== 'oauth2') return undefined;
    const connection = await this.tokens.connection(organizationId);
    return connection ? PROVIDER_PRESETS[connection.provider]?.outgoing : undefined;
  }

  /** A new password sealed for storage, else the stored one that may be kept; null when there is neither. */
  private passwordToStore(
    organizationId: string,
    column: SecretColumn,
    password: string | undefined,
    kept: string | null,
  ): string | null {
    return password ? this.secrets.seal(password, secretContext(column, organizationId)) : kept;
  }

  private toImapSettings(row: IncomingEmailSettings, credential: ImapCredential): ImapConnectionSettings {
    const { host, port, security, username, folder, verifyCertificate } = row;
    return { host, port, security, username, folder, verifyCertificate, ...credential };
  }

  /**
   * Refuses to store a host the outbound policy blocks. Only a definite "blocked" counts: a name that does
   * not resolve right now may be saved (every connection checks the policy again anyway).
   */
  private async assertHostAllowed(host: string): Promise<void> {
    const { policy, timeoutMs } = this.config.mail.connect;
    try {
      await withTimeout(checkOutboundHost(host, policy), timeoutMs, `Resolving ${host}`);
    } catch (err) {
      if (err instanceof MailConnectionError && err.reason === 'blocked') throw new MailHostBlockedError('host', err);
    }
  }
}
