import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited } from '../common/audit/audited.decorator';
import { Auth } from '../common/auth/auth.decorators';
import { ErrorResponse } from '../common/errors/error-response';
import { CreateOrganizationDto } from './dto/create-organization.dto';
import { OrganizationResponse } from './dto/organization.response';
import { OrganizationsService } from './organizations.service';

@ApiTags('organizations')
@Controller('organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Post()
  @Auth('superadmin')
  @Audited('organization.created', { target: 'organization', secrets: ['admin.password'] })
  @ApiOperation({ summary: 'Create an organization (tenant) with its first admin' })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiConflictResponse({ description: "The admin's email address is taken", type: ErrorResponse })
  async create(@Body() dto: CreateOrganizationDto): Promise<OrganizationResponse> {
    return OrganizationResponse.from(await this.organizations.create(dto));
  }

  @Get()
  @Auth('superadmin')
  @ApiOperation({ summary: 'List organizations' })
  async list(): Promise<OrganizationResponse[]> {
    return (await this.organizations.list()).map((organization) => OrganizationResponse.from(organization));
  }
}
