import { Injectable } from '@nestjs/common';
import { SecretBox } from '../common/crypto/secret-box';
import { secretContext } from '../common/crypto/secret-column';
import { NotFoundError, ValidationFailedError, type FieldError } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { OAuthAppResponse } from './dto/oauth-app.response';
import type { SaveOAuthAppDto } from './dto/save-oauth-app.dto';
import type { OAuthProvider } from './mail-access-tokens';
import { OAuthAppsRepository } from './oauth-apps.repository';
import { OAuthConnectionsRepository } from './oauth-connections.repository';
import type { OAuthApp } from './oauth-app.entity';
import { clientSettingsFor, MICROSOFT_MULTI_TENANT, type OAuthClientSettings } from './oauth-providers';
import { OAUTH_CLIENT_SECRET } from './oauth-secrets';

export const CALLBACK_PATH = '/api/v1/settings/email/oauth/callback';

const ENDPOINT_FIELDS = ['issuer', 'authorizationEndpoint', 'tokenEndpoint', 'revocationEndpoint'] as const;

/** What is wrong with a registration beyond the DTO's field checks; empty when nothing is. */
function problemsOf(dto: SaveOAuthAppDto, allowHttp: boolean, platformTenant: string | null): FieldError[] {
  const problems: FieldError[] = [];
  const grant = dto.grant ?? 'authorization-code';
  if (dto.provider !== 'custom') {
    for (const field of ENDPOINT_FIELDS) {
      if (dto[field] !== undefined) problems.push({ field, messages: [`${field} is only for the custom provider`] });
    }
  } else {
    if (dto.tokenEndpoint === undefined && dto.issuer === undefined) {
      problems.push({
        field: 'tokenEndpoint',
        messages: ['tokenEndpoint or issuer is required for a custom provider'],
      });
    }
    if (grant === 'authorization-code' && dto.authorizationEndpoint === undefined && dto.issuer === undefined) {
      problems.push({
        field: 'authorizationEndpoint',
        messages: ['authorizationEndpoint or issuer is required for the authorization-code grant'],
      });
    }
    for (const field of ENDPOINT_FIELDS) {
      if (!allowHttp && dto[field]?.startsWith('http:')) {
        problems.push({ field, messages: [`${field} must use https`] });
      }
    }
  }
  if (dto.tenant !== undefined && dto.provider !== 'microsoft') {
    problems.push({ field: 'tenant', messages: ['tenant is only for the microsoft provider'] });
  }
  if (grant === 'client-credentials' && dto.provider === 'google') {
    problems.push({ field: 'grant', messages: ['Google offers no client-credentials grant for mail'] });
  }
  const tenant = dto.tenant ?? platformTenant ?? 'organizations';
  if (grant === 'client-credentials' && dto.provider === 'microsoft' && MICROSOFT_MULTI_TENANT.includes(tenant)) {
    problems.push({ field: 'tenant', messages: ['tenant (your tenant id or domain) is required for app-only access'] });
  }
  return problems;
}

/** An organization's own OAuth app registration, and the client settings every OAuth request is made with. */
@Injectable()
export class OAuthAppService {
  constructor(
    private readonly apps: OAuthAppsRepository,
    private readonly connections: OAuthConnectionsRepository,
    private readonly box: SecretBox,
    private readonly config: AppConfig,
  ) {}

  /** The redirect URI to register with the provider; null until PUBLIC_URL is set. */
  redirectUri(): string | null {
    return this.config.publicUrl === null ? null : `${this.config.publicUrl}${CALLBACK_PATH}`;
  }

  async get(organizationId: string): Promise<OAuthAppResponse> {
    const row = await this.apps.find(organizationId);
    if (row === null) throw new NotFoundError('OAuth app registration');
    return OAuthAppResponse.from(row, this.redirectUri());
  }

  async save(organizationId: string, dto: SaveOAuthAppDto): Promise<OAuthAppResponse> {
    const problems = problemsOf(
      dto,
      this.config.mail.connect.policy.allowPrivate,
      this.config.oauth.microsoft?.tenant ?? null,
    );
    if (problems.length > 0) throw new ValidationFailedError(problems);
    const before = await this.apps.find(organizationId);
    const sameClient = before !== null && before.provider === dto.provider && before.clientId === dto.clientId;
    const context = secretContext(OAUTH_CLIENT_SECRET, organizationId);
    const clientSecretSealed =
      dto.clientSecret !== undefined
        ? this.box.seal(dto.clientSecret, context)
        : sameClient
          ? before.clientSecretSealed
          : null;
    const saved = await this.apps.save(organizationId, {
      provider: dto.provider,
      clientId: dto.clientId,
      clientSecretSealed,
      tenant: dto.tenant ?? null,
      grant: dto.grant ?? 'authorization-code',
      issuer: dto.issuer ?? null,
      authorizationEndpoint: dto.authorizationEndpoint ?? null,
      tokenEndpoint: dto.tokenEndpoint ?? null,
      revocationEndpoint: dto.revocationEndpoint ?? null,
      scopes: dto.scopes && dto.scopes.length > 0 ? dto.scopes.join(' ') : null,
    });
    // App-only access has no sign-in to repeat: saving the registration is how it is fixed, so the old
    // connection (perhaps needs-reauth after a wrong secret) goes, and the next use fetches a token anew.
    const connection = await this.connections.find(organizationId);
    if (connection?.grant === 'client-credentials') await this.connections.delete(organizationId);
    return OAuthAppResponse.from(saved, this.redirectUri());
  }

  /** The settings for `provider`: the organization's registration for it, else the platform's; null: neither. */
  async settingsFor(organizationId: string, provider: OAuthProvider): Promise<OAuthClientSettings | null> {
    const own = await this.apps.find(organizationId);
    return clientSettingsFor(provider, own === null ? null : this.opened(own), this.config.oauth);
  }

  /** The organization's registration when it is app-only (client credentials), else null. */
  async appOnlySettings(organizationId: string): Promise<OAuthClientSettings | null> {
    const own = await this.apps.find(organizationId);
    if (own === null || own.grant !== 'client-credentials') return null;
    return clientSettingsFor(own.provider, this.opened(own), this.config.oauth);
  }

  private opened(row: OAuthApp) {
    const secret = row.clientSecretSealed;
    return {
      ...row,
      clientSecret:
        secret === null ? null : this.box.open(secret, secretContext(OAUTH_CLIENT_SECRET, row.organizationId)),
      scopes: row.scopes === null ? null : row.scopes.split(' '),
    };
  }
}
