import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { TenantUser } from '../common/auth/auth-user';
import { Audited } from '../common/audit/audited.decorator';
import { Auth, CurrentTenant } from '../common/auth/auth.decorators';
import { ErrorResponse } from '../common/errors/error-response';
import { CreateUserDto } from './dto/create-user.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { PasswordLinkResponse } from './dto/password-link.response';
import { TemporaryPasswordDto } from './dto/temporary-password.dto';
import { UserResponse } from './dto/user.response';
import { PasswordLinksService } from './password-links.service';
import { PasswordsService } from './passwords.service';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordsService,
    private readonly links: PasswordLinksService,
  ) {}

  @Post()
  @Auth('admin')
  @Audited('user.created', { target: 'user', secrets: ['password'] })
  @ApiCreatedResponse({ type: UserResponse })
  @ApiOperation({
    summary: 'Add an admin or agent to your organization',
    description: 'Without a password the user is invited: mailed a link (valid 7 days) to choose their own.',
  })
  @ApiBadRequestResponse({ description: 'Invalid fields, or the password breaks the policy', type: ErrorResponse })
  @ApiConflictResponse({ description: 'The email address is taken', type: ErrorResponse })
  @ApiServiceUnavailableResponse({
    description:
      'An invitation, but SYSTEM_SMTP_URL is not set (SYSTEM_MAIL_UNAVAILABLE, nothing created), or the mail ' +
      'server refused it (SYSTEM_MAIL_FAILED: the user exists, `details.userId`; send a reset link)',
    type: ErrorResponse,
  })
  async create(@CurrentTenant() caller: TenantUser, @Body() dto: CreateUserDto): Promise<UserResponse> {
    if (dto.password !== undefined)
      return UserResponse.from(await this.users.create(caller.organizationId, { ...dto, password: dto.password }));
    const { user, expiresAt } = await this.links.invite(caller.organizationId, { ...dto, password: null });
    return { ...UserResponse.from(user), invitationExpiresAt: expiresAt };
  }

  @Post(':id/temporary-password')
  @Auth('admin')
  @Audited('user.temporary-password.set', { target: 'user', secrets: ['password'] })
  @HttpCode(204)
  @ApiOperation({
    summary: 'Give a user of your organization a temporary password',
    description: 'Their tokens stop working; at the next sign-in they must choose their own password.',
  })
  @ApiNoContentResponse({ description: 'Set' })
  @ApiBadRequestResponse({ description: 'The password breaks the policy', type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  async setTemporaryPassword(
    @CurrentTenant() caller: TenantUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: TemporaryPasswordDto,
  ): Promise<void> {
    await this.passwords.setTemporary(caller.organizationId, id, dto.temporaryPassword);
  }

  @Post(':id/password-reset')
  @Auth('admin')
  @Audited('user.password-reset.sent', { target: 'user' })
  @HttpCode(202)
  @ApiOperation({ summary: 'Mail a user of your organization a password reset link (single use, 30 minutes)' })
  @ApiAcceptedResponse({ type: PasswordLinkResponse })
  @ApiBadRequestResponse({ description: 'The id is not a UUID', type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiServiceUnavailableResponse({
    description: 'SYSTEM_SMTP_URL is not set (SYSTEM_MAIL_UNAVAILABLE), or the mail server failed (SYSTEM_MAIL_FAILED)',
    type: ErrorResponse,
  })
  async sendPasswordReset(
    @CurrentTenant() caller: TenantUser,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<PasswordLinkResponse> {
    // Another organization's user is a 404 like a missing one, whatever the mail configuration.
    const user = await this.users.get(caller.organizationId, id);
    return this.links.send(user, 'reset');
  }

  @Get()
  @Auth('admin')
  @ApiOperation({ summary: 'List the users of your organization' })
  @ApiOkResponse({ type: [UserResponse] })
  async list(@CurrentTenant() caller: TenantUser): Promise<UserResponse[]> {
    return (await this.users.list(caller.organizationId)).map((user) => UserResponse.from(user));
  }

  @Patch(':id')
  @Auth('admin')
  @Audited('user.updated', { target: 'user' })
  @ApiOperation({ summary: "Change a user's role or disable them" })
  @ApiOkResponse({ type: UserResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
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
