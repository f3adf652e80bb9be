import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { OAuthConnection } from './oauth-connection.entity';

/** What a refresh writes: the new access token and, when the provider rotated it, the new refresh token. */
export interface RefreshedTokens {
  accessTokenSealed: string;
  accessTokenExpiresAtMs: number;
  /** Undefined keeps the stored one (the provider did not rotate it). */
  refreshTokenSealed?: string;
}

/** Organizations' connected accounts and their sealed tokens; every method takes the organization id first. */
@Injectable()
export class OAuthConnectionsRepository {
  constructor(@InjectRepository(OAuthConnection) private readonly connections: Repository<OAuthConnection>) {}

  find(organizationId: string): Promise<OAuthConnection | null> {
    return this.connections.findOneBy({ organizationId });
  }

  /** A new connection, replacing any earlier one of the organization (a reconnect). */
  async replace(
    organizationId: string,
    connection: Omit<OAuthConnection, 'organizationId' | 'updatedAt'>,
  ): Promise<void> {
    await this.connections.upsert({ ...connection, organizationId }, ['organizationId']);
  }

  async saveRefreshed(organizationId: string, tokens: RefreshedTokens): Promise<void> {
    await this.connections.update(
      { organizationId },
      {
        ...tokens,
        status: 'connected',
        lastRefreshAt: new Date(),
        errorClass: null,
        errorMessage: null,
        errorAt: null,
      },
    );
  }

  /** Records a failure; `needsReauth` also marks the grant lost. True when this call made it lost. */
  async recordFailure(
    organizationId: string,
    failure: { errorClass: string; message: string },
    needsReauth: boolean,
  ): Promise<boolean> {
    const problem = { errorClass: failure.errorClass, errorMessage: failure.message, errorAt: new Date() };
    if (!needsReauth) {
      await this.connections.update({ organizationId }, problem);
      return false;
    }
    const { affected } = await this.connections.update(
      { organizationId, status: 'connected' },
      { ...problem, status: 'needs-reauth', accessTokenSealed: null, accessTokenExpiresAtMs: null },
    );
    return affected === 1;
  }

  async delete(organizationId: string): Promise<void> {
    await this.connections.delete({ organizationId });
  }
}
