import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { TenantUser } from '../common/auth/auth-user';
import { Audited } from '../common/audit/audited.decorator';
import { Auth, CurrentTenant } from '../common/auth/auth.decorators';
import { ErrorResponse } from '../common/errors/error-response';
import { CreateUserDto } from './dto/create-user.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { UserResponse } from './dto/user.response';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Auth('admin')
  @Audited('user.created', { target: 'user', secrets: ['password'] })
  @ApiOperation({ summary: 'Add an admin or agent to your organization' })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiConflictResponse({ description: 'The email address is taken', type: ErrorResponse })
  async create(@CurrentTenant() caller: TenantUser, @Body() dto: CreateUserDto): Promise<UserResponse> {
    return UserResponse.from(await this.users.create(caller.organizationId, dto));
  }

  @Get()
  @Auth('admin')
  @ApiOperation({ summary: 'List the users of your organization' })
  async list(@CurrentTenant() caller: TenantUser): Promise<UserResponse[]> {
    return (await this.users.list(caller.organizationId)).map((user) => UserResponse.from(user));
  }

  @Patch(':id')
  @Auth('admin')
  @Audited('user.updated', { target: 'user' })
  @ApiOperation({ summary: "Change a user's role or disable them" })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiConflictResponse({ description: 'Would leave the organization without an active admin', type: ErrorResponse })
  async update(
    @CurrentTenant() caller: TenantUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: UpdateUserDto,
  ): Promise<UserResponse> {
    return UserResponse.from(await this.users.update(caller.organizationId, id, dto));
  }
}
