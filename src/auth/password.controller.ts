import { Audited } from '../common/audit/audited.decorator';
import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user';
import { AllowedBeforePasswordChange, Auth, CurrentUser, Public } from '../common/auth/auth.decorators';
import { ErrorResponse } from '../common/errors/error-response';
import { PasswordLinksService } from '../users/password-links.service';
import { PasswordsService } from '../users/passwords.service';
import { AuthService } from './auth.service';
import { ChangePasswordDto } from './dto/change-password.dto';
import { LoginResponse } from './dto/login.response';
import { PasswordResetConfirmDto, PasswordResetRequestDto } from './dto/password-reset.dto';

@ApiTags('auth')
@Controller()
export class PasswordController {
  constructor(
    private readonly auth: AuthService,
    private readonly passwords: PasswordsService,
    private readonly links: PasswordLinksService,
  ) {}

  @Post('me/password')
  @Auth('superadmin', 'admin', 'agent')
  @Audited('user.password.changed', { target: 'user', secrets: ['currentPassword', 'newPassword'] })
  @AllowedBeforePasswordChange()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Change your password',
    description: 'Every other token of yours stops working; the response carries a fresh one.',
  })
  @ApiOkResponse({ type: LoginResponse })
  @ApiBadRequestResponse({ description: 'PASSWORD_POLICY or PASSWORD_UNCHANGED', type: ErrorResponse })
  @ApiTooManyRequestsResponse({ description: 'Too many wrong current passwords; see Retry-After', type: ErrorResponse })
  changePassword(
    @CurrentUser() user: AuthUser,
    @Body() dto: ChangePasswordDto,
    @Ip() ip: string,
  ): Promise<LoginResponse> {
    return this.auth.changePassword(user, dto.currentPassword, dto.newPassword, ip);
  }

  @Post('auth/password-reset')
  @Public()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Forgot password: mail a reset link (single use, valid 30 minutes)',
    description: 'Always 202, whether the address belongs to an account or not.',
  })
  @ApiAcceptedResponse({ description: 'If the address belongs to an active account, a link is on its way' })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiServiceUnavailableResponse({
    description: 'SYSTEM_MAIL_UNAVAILABLE: the platform has no outgoing mail server, so reset is unavailable',
    type: ErrorResponse,
  })
  async requestReset(@Body() dto: PasswordResetRequestDto): Promise<void> {
    await this.links.requestReset(dto.email);
  }

  @Post('auth/password-reset/confirm')
  @Public()
  @HttpCode(204)
  @ApiOperation({
    summary: "Set a new password with a reset or invitation link's token",
    description: 'The link works once; every token of the user issued before stops working.',
  })
  @ApiNoContentResponse({ description: 'The password is set; sign in with it' })
  @ApiBadRequestResponse({ description: 'PASSWORD_LINK_INVALID or PASSWORD_POLICY', type: ErrorResponse })
  async confirmReset(@Body() dto: PasswordResetConfirmDto): Promise<void> {
    await this.passwords.confirm(dto.token, dto.newPassword);
  }
}
