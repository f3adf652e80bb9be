import { Body, Controller, Get, HttpCode, Ip, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user';
import { AllowedBeforePasswordChange, Auth, CurrentUser, Public } from '../common/auth/auth.decorators';
import { NotFoundError } from '../common/errors/domain-error';
import { ErrorResponse } from '../common/errors/error-response';
import { OrganizationsService } from '../organizations/organizations.service';
import { UsersService } from '../users/users.service';
import { AuthService } from './auth.service';
import { LoginDto } from './dto/login.dto';
import { LoginResponse } from './dto/login.response';
import { MeResponse } from './dto/me.response';
import { UpdateMeDto } from './dto/update-me.dto';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly organizations: OrganizationsService,
    private readonly users: UsersService,
  ) {}

  @Post('auth/login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange email and password for a bearer token' })
  @ApiOkResponse({ type: LoginResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiUnauthorizedResponse({ description: 'Wrong email or password (same answer for both)', type: ErrorResponse })
  @ApiForbiddenResponse({
    description: "ORGANIZATION_DISABLED: the user's organization is disabled",
    type: ErrorResponse,
  })
  @ApiTooManyRequestsResponse({
    description:
      'Too many failed attempts for this account from this address, from this address, or for this account ' +
      'from everywhere; Retry-After grows with every further failure',
    type: ErrorResponse,
  })
  login(@Body() dto: LoginDto, @Ip() ip: string): Promise<LoginResponse> {
    return this.auth.login(dto.email, dto.password, ip);
  }

  @Get('me')
  @Auth('superadmin', 'admin', 'agent')
  @AllowedBeforePasswordChange()
  @ApiOperation({ summary: 'Who the token belongs to' })
  @ApiOkResponse({ type: MeResponse })
  me(@CurrentUser() user: AuthUser): Promise<MeResponse> {
    return this.describe(user);
  }

  @Patch('me')
  @Auth('superadmin', 'admin', 'agent')
  @ApiOperation({ summary: 'Change your own preferences (e.g. opt out of alert mail)' })
  @ApiOkResponse({ type: MeResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  async updateMe(@CurrentUser() user: AuthUser, @Body() dto: UpdateMeDto): Promise<MeResponse> {
    if (dto.alertEmails !== undefined) await this.users.setAlertEmails(user.organizationId, user.id, dto.alertEmails);
    return this.describe(user);
  }

  private async describe(user: AuthUser): Promise<MeResponse> {
    const organization = user.organizationId ? await this.organizations.findById(user.organizationId) : null;
    if (user.organizationId && !organization) throw new NotFoundError('Organization');
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      alertEmails: await this.users.alertEmails(user.organizationId, user.id),
      organization: organization ? { id: organization.id, name: organization.name } : null,
    };
  }
}
