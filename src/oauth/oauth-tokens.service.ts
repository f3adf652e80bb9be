import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { SecretBox } from '../common/crypto/secret-box';
import { secretContext } from '../common/crypto/secret-column';
import { MailConnectionError } from '../common/net/mail-connection-error';
import { AppConfig } from '../config/app-config';
import { DomainEventPublisher } from '../database/domain-event-publisher';
import { LeaseService } from '../leases/lease.service';
import { MailAccessTokens, type MailAccessToken, type OAuthConnectionSnapshot } from './mail-access-tokens';
import { OAuthAppService } from './oauth-app.service';
import { OAuthClient, type TokenGrant } from './oauth-client';
import type { OAuthConnection } from './oauth-connection.entity';
import { OAuthConnectionsRepository } from './oauth-connections.repository';
import { OAuthFailure } from './oauth-failure';
import type { OAuthClientSettings } from './oauth-providers';
import { OAUTH_ACCESS_TOKEN, OAUTH_REFRESH_TOKEN } from './oauth-secrets';

/** An access token is handed out only while it has at least this long to live. */
const EXPIRY_MARGIN_MS = 60_000;
/** The lease that makes one instance at a time refresh an organization's tokens. */
const REFRESH_LEASE = 'oauth-refresh';
/** How often a caller waiting for another instance's refresh looks at the row again. */
const WAIT_POLL_MS = 100;
const RECONNECT = 'Reconnect the mailbox';

function reconnect(message: string): MailConnectionError {
  return new MailConnectionError('auth', message, { hint: RECONNECT });
}

/**
 * MailAccessTokens: access tokens from the stored grant, refreshed on demand. The access token is kept
 * (sealed) in the connection row, so every instance uses the one any of them fetched; a refresh happens
 * under a lease per organization, and whoever waited for the lease reads the row again before asking the
 * provider, so two instances never spend the same refresh token. A lost grant (`invalid_grant`) marks the
 * connection `needs-reauth` once; after that `get` throws at once, without a request.
 */
@Injectable()
export class OAuthTokensService extends MailAccessTokens {
  private readonly logger = new Logger(OAuthTokensService.name);
  /** Refreshes in flight on this instance, shared by its callers. */
  private readonly inFlight = new Map<string, Promise<MailAccessToken>>();

  constructor(
    private readonly connections: OAuthConnectionsRepository,
    private readonly apps: OAuthAppService,
    private readonly client: OAuthClient,
    private readonly leases: LeaseService,
    private readonly box: SecretBox,
    private readonly events: DomainEventPublisher,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async get(organizationId: string, options: { forceRefresh?: boolean } = {}): Promise<MailAccessToken> {
    const row = await this.connections.find(organizationId);
    if (row?.status === 'needs-reauth') throw this.lostGrant(row);
    if (row !== null && !options.forceRefresh && this.fresh(row)) return this.tokenOf(row);
    // Nothing to refresh and no app-only registration to fetch with: no lease, no request.
    if (row === null && (await this.apps.appOnlySettings(organizationId)) === null) {
      throw reconnect('No mailbox account is connected with OAuth');
    }
    // A forced refresh must not be answered with the very token the server just refused.
    const refused = options.forceRefresh ? (row?.accessTokenSealed ?? null) : null;
    const running = this.inFlight.get(organizationId);
    if (running) return running;
    const refresh = this.refreshOnce(organizationId, refused).finally(() => this.inFlight.delete(organizationId));
    this.inFlight.set(organizationId, refresh);
    return refresh;
  }

  async connection(organizationId: string): Promise<OAuthConnectionSnapshot | null> {
    const row = await this.connections.find(organizationId);
    if (row === null) return null;
    return {
      provider: row.provider,
      account: row.account,
      connectedAt: row.connectedAt,
      status: row.status,
      lastRefreshAt: row.lastRefreshAt,
      lastError:
        row.errorClass === null
          ? null
          : { class: row.errorClass, message: row.errorMessage ?? '', at: row.errorAt ?? row.updatedAt },
    };
  }

  /** Takes the lease, or waits for whoever holds it and uses their token when it is good. */
  private async refreshOnce(organizationId: string, refused: string | null): Promise<MailAccessToken> {
    const timeoutMs = this.config.mail.connect.timeoutMs;
    // Two token requests' worth (each bounded by the timeout) and some: a holder that takes longer crashed.
    const giveUpAt = Date.now() + 3 * timeoutMs;
    for (;;) {
      const lease = await this.leases.tryAcquire(organizationId, REFRESH_LEASE, {
        ttlMs: Math.max(10_000, 3 * timeoutMs),
      });
      if (lease !== null) {
        try {
          return await this.refreshHolding(organizationId, refused);
        } finally {
          await lease.release();
        }
      }
      await sleep(WAIT_POLL_MS);
      const row = await this.connections.find(organizationId);
      if (row?.status === 'needs-reauth') throw this.lostGrant(row);
      if (row !== null && this.usable(row, refused)) return this.tokenOf(row);
      if (Date.now() > giveUpAt) {
        throw new MailConnectionError(
          'timeout',
          'Another instance is refreshing the access token and has not finished',
        );
      }
    }
  }

  /** Under the lease: the row again (another instance may have refreshed meanwhile), then the provider. */
  private async refreshHolding(organizationId: string, refused: string | null): Promise<MailAccessToken> {
    const row = await this.connections.find(organizationId);
    if (row?.status === 'needs-reauth') throw this.lostGrant(row);
    if (row !== null && this.usable(row, refused)) return this.tokenOf(row);
    const settings =
      row === null
        ? await this.apps.appOnlySettings(organizationId)
        : await this.apps.settingsFor(organizationId, row.provider);
    if (row === null) {
      if (settings === null) throw reconnect('No mailbox account is connected with OAuth');
      return this.connectAppOnly(organizationId, settings);
    }
    if (settings === null) {
      return this.fail(row, new OAuthFailure('auth', 'The OAuth app registration for this connection is gone', true));
    }
    const grant = await this.request(row, () =>
      row.grant === 'client-credentials'
        ? this.client.clientCredentials(settings)
        : this.client.refresh(settings, this.refreshTokenOf(row)),
    );
    await this.connections.saveRefreshed(organizationId, this.sealed(organizationId, grant));
    return { account: row.account, accessToken: grant.accessToken };
  }

  /** App-only access has no sign-in: its first token creates the connection. */
  private async connectAppOnly(organizationId: string, settings: OAuthClientSettings): Promise<MailAccessToken> {
    let grant: TokenGrant;
    try {
      grant = await this.client.clientCredentials(settings);
    } catch (error) {
      const failure = error as OAuthFailure;
      throw new MailConnectionError(failure.reason === 'consent' ? 'auth' : failure.reason, failure.message, {
        hint: failure.grantLost
          ? 'Check the app registration (client id, secret, tenant) and its admin consent'
          : undefined,
      });
    }
    const sealed = this.sealed(organizationId, grant);
    await this.connections.replace(organizationId, {
      provider: settings.provider,
      grant: 'client-credentials',
      account: '',
      accessTokenSealed: sealed.accessTokenSealed,
      accessTokenExpiresAtMs: sealed.accessTokenExpiresAtMs,
      refreshTokenSealed: null,
      status: 'connected',
      connectedAt: new Date(),
      lastRefreshAt: new Date(),
      errorClass: null,
      errorMessage: null,
      errorAt: null,
    });
    this.events.publish('oauth.connected', { organizationId, provider: settings.provider, account: '' });
    return { account: '', accessToken: grant.accessToken };
  }

  private async request(row: OAuthConnection, work: () => Promise<TokenGrant>): Promise<TokenGrant> {
    try {
      return await work();
    } catch (error) {
      return this.fail(row, error instanceof OAuthFailure ? error : new OAuthFailure('protocol', String(error)));
    }
  }

  /** Records the failure on the row (and the lost grant, once), then throws it as a mail connection error. */
  private async fail(row: OAuthConnection, failure: OAuthFailure): Promise<never> {
    const { organizationId } = row;
    const became = await this.connections.recordFailure(
      organizationId,
      { errorClass: failure.reason, message: failure.message },
      failure.grantLost,
    );
    if (became) {
      this.logger.warn({ organizationId, reason: failure.reason }, 'OAuth grant lost: the mailbox must be reconnected');
      this.events.publish('oauth.needs-reauth', {
        organizationId,
        provider: row.provider,
        account: row.account,
        error: { class: failure.reason, message: failure.message },
      });
    }
    if (failure.grantLost) throw reconnect(failure.message);
    throw new MailConnectionError(failure.reason === 'consent' ? 'auth' : failure.reason, failure.message);
  }

  private lostGrant(row: OAuthConnection): MailConnectionError {
    return reconnect(row.errorMessage ?? 'The OAuth grant was refused: the mailbox must be reconnected');
  }

  private fresh(row: OAuthConnection): boolean {
    return (
      row.accessTokenSealed !== null &&
      row.accessTokenExpiresAtMs !== null &&
      row.accessTokenExpiresAtMs - EXPIRY_MARGIN_MS > Date.now()
    );
  }

  private usable(row: OAuthConnection, refused: string | null): boolean {
    return this.fresh(row) && row.accessTokenSealed !== refused;
  }

  private tokenOf(row: OAuthConnection): MailAccessToken {
    const context = secretContext(OAUTH_ACCESS_TOKEN, row.organizationId);
    return { account: row.account, accessToken: this.box.open(row.accessTokenSealed as string, context) };
  }

  private refreshTokenOf(row: OAuthConnection): string {
    if (row.refreshTokenSealed === null) throw new OAuthFailure('auth', 'No refresh token is stored', true);
    return this.box.open(row.refreshTokenSealed, secretContext(OAUTH_REFRESH_TOKEN, row.organizationId));
  }

  private sealed(organizationId: string, grant: TokenGrant) {
    return {
      accessTokenSealed: this.box.seal(grant.accessToken, secretContext(OAUTH_ACCESS_TOKEN, organizationId)),
      accessTokenExpiresAtMs: grant.expiresAtMs,
      ...(grant.refreshToken === null
        ? {}
        : {
            refreshTokenSealed: this.box.seal(grant.refreshToken, secretContext(OAUTH_REFRESH_TOKEN, organizationId)),
          }),
    };
  }
}
