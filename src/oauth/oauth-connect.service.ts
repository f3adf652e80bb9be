import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { randomPKCECodeVerifier, randomState } from 'openid-client';
import { SecretBox } from '../common/crypto/secret-box';
import { secretContext } from '../common/crypto/secret-column';
import { DomainError, NotFoundError } from '../common/errors/domain-error';
import { DomainEventPublisher } from '../database/domain-event-publisher';
import { AuditLog } from '../audit/audit-log';
import type { CallbackOutcome } from './callback-page';
import type { OAuthProvider } from './mail-access-tokens';
import { OAuthAppService } from './oauth-app.service';
import { OAuthAuthorizationsRepository } from './oauth-authorizations.repository';
import { OAuthClient, type TokenGrant } from './oauth-client';
import { OAuthConnectionsRepository } from './oauth-connections.repository';
import { OAuthFailure } from './oauth-failure';
import { OAUTH_ACCESS_TOKEN, OAUTH_REFRESH_TOKEN, OAUTH_VERIFIER } from './oauth-secrets';

/** How long a started sign-in may take before its state is refused. */
export const AUTHORIZATION_TTL_MS = 10 * 60_000;

const hashOf = (state: string) => createHash('sha256').update(state).digest('hex');

const START_AGAIN = 'Nothing was changed. Start again from the email settings.';

function refused(status: number, title: string, message: string): CallbackOutcome {
  return { status, title, message: `${message} ${START_AGAIN}` };
}

/**
 * Connecting and disconnecting the organization's mailbox account: the authorization code flow with
 * PKCE, its callback, and the disconnect. The state is single use, bound to the organization and the
 * admin who started the sign-in, and expires; only its hash is stored, with the verifier sealed.
 */
@Injectable()
export class OAuthConnectService {
  private readonly logger = new Logger(OAuthConnectService.name);

  constructor(
    private readonly apps: OAuthAppService,
    private readonly authorizations: OAuthAuthorizationsRepository,
    private readonly connections: OAuthConnectionsRepository,
    private readonly client: OAuthClient,
    private readonly box: SecretBox,
    private readonly events: DomainEventPublisher,
    private readonly audit: AuditLog,
  ) {}

  async authorize(
    organizationId: string,
    admin: { id: string; email: string },
    provider: OAuthProvider,
  ): Promise<{ authorizationUrl: string }> {
    const settings = await this.apps.settingsFor(organizationId, provider);
    if (settings === null) {
      throw new DomainError(
        'validation',
        'OAUTH_APP_MISSING',
        `No OAuth app is registered for ${provider}: save one with PUT /settings/email/oauth-app, or ask the operator to set OAUTH_* for it`,
      );
    }
    if (settings.grant === 'client-credentials') {
      throw new DomainError(
        'validation',
        'OAUTH_APP_ONLY',
        'This app registration uses client credentials (app-only): there is no sign-in, the token is fetched when the mailbox is used',
      );
    }
    const redirectUri = this.apps.redirectUri();
    if (redirectUri === null) {
      throw new DomainError('unavailable', 'PUBLIC_URL_MISSING', 'PUBLIC_URL is not set, so there is no redirect URI');
    }
    const state = randomState();
    const verifier = randomPKCECodeVerifier();
    let authorizationUrl: string;
    try {
      authorizationUrl = await this.client.authorizationUrl(settings, redirectUri, state, verifier);
    } catch (error) {
      const failure = error as OAuthFailure;
      throw new DomainError('unavailable', 'OAUTH_PROVIDER_UNAVAILABLE', failure.message, { reason: failure.reason });
    }
    const stateHash = hashOf(state);
    await this.authorizations.insert({
      stateHash,
      organizationId,
      userId: admin.id,
      userEmail: admin.email,
      provider,
      verifierSealed: this.box.seal(verifier, secretContext(OAUTH_VERIFIER, stateHash)),
      expiresAtMs: Date.now() + AUTHORIZATION_TTL_MS,
    });
    return { authorizationUrl };
  }

  /** The provider sent the browser back with `query`; whatever goes wrong, nothing is stored. */
  async callback(query: Record<string, string>, clientAddress: string | null): Promise<CallbackOutcome> {
    const { state, code, error } = query;
    if (!state) return refused(400, 'Sign-in not recognized', 'The link has no state.');
    const authorization = await this.authorizations.consume(hashOf(state));
    if (authorization === null) {
      return refused(400, 'Sign-in not recognized', 'This sign-in was already used, or was not started here.');
    }
    if (authorization.expiresAtMs < Date.now()) {
      return refused(400, 'Sign-in expired', 'This sign-in was started more than 10 minutes ago.');
    }
    if (error) {
      const consent = ['access_denied', 'consent_required'].includes(error);
      return consent
        ? refused(403, 'Access declined', 'The mailbox account did not grant access (consent was declined).')
        : refused(400, 'Sign-in failed', `The provider refused the sign-in (${error}).`);
    }
    if (!code) return refused(400, 'Sign-in failed', 'The provider sent no authorization code.');
    const { organizationId, provider, userId, userEmail } = authorization;
    const settings = await this.apps.settingsFor(organizationId, provider);
    const redirectUri = this.apps.redirectUri();
    if (settings === null || redirectUri === null) {
      return refused(400, 'Sign-in failed', 'The OAuth app registration changed while signing in.');
    }
    const callbackUrl = new URL(redirectUri);
    for (const [name, value] of Object.entries(query)) callbackUrl.searchParams.set(name, value);
    const verifier = this.box.open(
      authorization.verifierSealed,
      secretContext(OAUTH_VERIFIER, authorization.stateHash),
    );
    let grant: TokenGrant;
    try {
      grant = await this.client.exchangeCode(settings, callbackUrl, state, verifier);
    } catch (caught) {
      const failure =
        caught instanceof OAuthFailure ? caught : new OAuthFailure('protocol', 'The code exchange failed');
      this.logger.warn(
        { organizationId, reason: failure.reason, error: failure.message },
        'OAuth code exchange failed',
      );
      const status = failure.reason === 'consent' ? 403 : 400;
      return refused(
        status,
        'Connecting failed',
        `The provider did not hand out tokens (${failure.reason}): ${failure.message}.`,
      );
    }
    if (grant.refreshToken === null || grant.account === null) {
      return refused(400, 'Connecting failed', 'The provider sent no refresh token, so the connection could not last.');
    }
    await this.store(organizationId, provider, grant);
    this.events.publish('oauth.connected', { organizationId, provider, account: grant.account });
    await this.audit.record({
      organizationId,
      action: 'settings.email.oauth.connected',
      actor: { userId, email: userEmail },
      target: { type: 'email-settings', id: organizationId },
      changes: { provider, account: grant.account },
      clientAddress,
      outcome: 'succeeded',
    });
    return {
      status: 200,
      title: 'Mailbox connected',
      message: `Connected as ${grant.account} — you can close this tab.`,
    };
  }

  /** Revokes at the provider where it can, then deletes the tokens whatever the provider said. */
  async disconnect(organizationId: string): Promise<{ revoked: boolean }> {
    const row = await this.connections.find(organizationId);
    if (row === null) throw new NotFoundError('OAuth connection');
    const settings = await this.apps.settingsFor(organizationId, row.provider);
    const [sealed, column, hint] =
      row.refreshTokenSealed !== null
        ? [row.refreshTokenSealed, OAUTH_REFRESH_TOKEN, 'refresh_token' as const]
        : [row.accessTokenSealed, OAUTH_ACCESS_TOKEN, 'access_token' as const];
    let revoked = false;
    if (settings !== null && sealed !== null) {
      try {
        revoked = await this.client.revoke(
          settings,
          this.box.open(sealed, secretContext(column, organizationId)),
          hint,
        );
      } catch (error) {
        const failure = error as OAuthFailure;
        this.logger.warn({ organizationId, reason: failure.reason, error: failure.message }, 'OAuth revocation failed');
      }
    }
    await this.connections.delete(organizationId);
    this.events.publish('oauth.disconnected', { organizationId, provider: row.provider });
    return { revoked };
  }

  private async store(organizationId: string, provider: OAuthProvider, grant: TokenGrant): Promise<void> {
    const now = new Date();
    await this.connections.replace(organizationId, {
      provider,
      grant: 'authorization-code',
      account: grant.account ?? '',
      accessTokenSealed: this.box.seal(grant.accessToken, secretContext(OAUTH_ACCESS_TOKEN, organizationId)),
      accessTokenExpiresAtMs: grant.expiresAtMs,
      refreshTokenSealed: this.box.seal(grant.refreshToken ?? '', secretContext(OAUTH_REFRESH_TOKEN, organizationId)),
      status: 'connected',
      connectedAt: now,
      lastRefreshAt: now,
      errorClass: null,
      errorMessage: null,
      errorAt: null,
    });
  }
}
