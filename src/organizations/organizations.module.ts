import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module';
import { Organization } from './organization.entity';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';
import { SuperadminBootstrapService } from './superadmin-bootstrap.service';

@Module({
  imports: [TypeOrmModule.forFeature([Organization]), UsersModule],
  controllers: [OrganizationsController],
  providers: [OrganizationsRepository, OrganizationsService, SuperadminBootstrapService],
  exports: [OrganizationsService, SuperadminBootstrapService],
})
export class OrganizationsModule {}
