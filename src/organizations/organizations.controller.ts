import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Audited } from '../common/audit/audited.decorator';
import { Auth } from '../common/auth/auth.decorators';
import { ErrorResponse } from '../common/errors/error-response';
import { CreateOrganizationDto } from './dto/create-organization.dto';
import { OrganizationResponse } from './dto/organization.response';
import { UpdateOrganizationDto } from './dto/update-organization.dto';
import { OrganizationsService } from './organizations.service';

@ApiTags('organizations')
@Controller('organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Post()
  @Auth('superadmin')
  @Audited('organization.created', { target: 'organization', secrets: ['admin.password'] })
  @ApiOperation({ summary: 'Create an organization (tenant) with its first admin' })
  @ApiCreatedResponse({ type: OrganizationResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiConflictResponse({ description: "The name or the admin's email address is taken", type: ErrorResponse })
  async create(@Body() dto: CreateOrganizationDto): Promise<OrganizationResponse> {
    return OrganizationResponse.from(await this.organizations.create(dto));
  }

  @Get()
  @Auth('superadmin')
  @ApiOperation({ summary: 'List organizations' })
  @ApiOkResponse({ type: [OrganizationResponse] })
  async list(): Promise<OrganizationResponse[]> {
    return (await this.organizations.list()).map((organization) => OrganizationResponse.from(organization));
  }

  @Patch(':id')
  @Auth('superadmin')
  @Audited('organization.updated', { target: 'organization' })
  @ApiOperation({ summary: 'Rename an organization, or disable or enable it' })
  @ApiOkResponse({ type: OrganizationResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiConflictResponse({ description: 'Another organization has this name', type: ErrorResponse })
  async update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: UpdateOrganizationDto,
  ): Promise<OrganizationResponse> {
    return OrganizationResponse.from(await this.organizations.update(id, dto));
  }
}
