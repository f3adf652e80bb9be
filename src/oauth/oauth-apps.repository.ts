import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { OAuthApp } from './oauth-app.entity';

/** Organizations' own OAuth app registrations; every method takes the organization id first. */
@Injectable()
export class OAuthAppsRepository {
  constructor(@InjectRepository(OAuthApp) private readonly apps: Repository<OAuthApp>) {}

  find(organizationId: string): Promise<OAuthApp | null> {
    return this.apps.findOneBy({ organizationId });
  }

  async save(organizationId: string, app: Omit<OAuthApp, 'organizationId' | 'updatedAt'>): Promise<OAuthApp> {
    await this.apps.upsert({ ...app, organizationId }, ['organizationId']);
    return (await this.find(organizationId)) as OAuthApp;
  }
}
