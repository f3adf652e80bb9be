import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { OAuthAuthorization } from './oauth-authorization.entity';

/** Sign-ins in progress, found by the hash of their state. */
@Injectable()
export class OAuthAuthorizationsRepository {
  constructor(@InjectRepository(OAuthAuthorization) private readonly authorizations: Repository<OAuthAuthorization>) {}

  /** Records a sign-in, and forgets the organization's ones that expired (nobody can use them any more). */
  async insert(authorization: OAuthAuthorization): Promise<void> {
    await this.authorizations.delete({
      organizationId: authorization.organizationId,
      expiresAtMs: LessThan(Date.now()),
    });
    await this.authorizations.insert(authorization);
  }

  /**
   * Takes the sign-in for `stateHash` out: it is deleted whoever asks, and only the caller whose delete
   * removed it gets it, so two callbacks with the same state cannot both proceed. Null when there is none.
   */
  async consume(stateHash: string): Promise<OAuthAuthorization | null> {
    const found = await this.authorizations.findOneBy({ stateHash });
    if (found === null) return null;
    const { affected } = await this.authorizations.delete({ stateHash });
    return affected === 1 ? found : null;
  }
}
