import { Body, Controller, Get, HttpCode, Post, Put, type Type } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { TenantUser } from '../common/auth/auth-user';
import { Audited } from '../common/audit/audited.decorator';
import { Auth, CurrentTenant } from '../common/auth/auth.decorators';
import { ErrorResponse } from '../common/errors/error-response';
import { OrganizationRateLimit } from '../common/rate-limit/organization-rate-limit';
import {
  ConnectionFailureResponse,
  IncomingCheckSuccessResponse,
  OutgoingCheckSuccessResponse,
  VerifyFailureResponse,
  VerifySuccessResponse,
} from './dto/connection-check.response';
import {
  EmailSettingsResponse,
  IncomingSettingsResponse,
  OutgoingSettingsResponse,
} from './dto/email-settings.response';
import { IncomingSettingsDto } from './dto/incoming-settings.dto';
import { OutgoingSettingsDto } from './dto/outgoing-settings.dto';
import { SendTestMessageDto } from './dto/send-test-message.dto';
import { EmailSettingsCheckService } from './email-settings-check.service';
import { EmailSettingsService } from './email-settings.service';
import { OptionalBodyPipe } from './optional-body.pipe';

const oneOf = (...models: Type<unknown>[]) => ({ oneOf: models.map((model) => ({ $ref: getSchemaPath(model) })) });

const BAD_REQUEST = {
  description:
    'Invalid fields, each named in details; code MAIL_HOST_BLOCKED when the host is on a network mail servers may not use',
  type: ErrorResponse,
};
const UNREADABLE = {
  description: 'A stored password cannot be decrypted with the configured ENCRYPTION_KEY (code SECRET_UNREADABLE)',
  type: ErrorResponse,
};

@ApiTags('settings')
@ApiExtraModels(
  ConnectionFailureResponse,
  IncomingCheckSuccessResponse,
  OutgoingCheckSuccessResponse,
  VerifySuccessResponse,
  VerifyFailureResponse,
)
@Controller('settings/email')
export class EmailSettingsController {
  constructor(
    private readonly settings: EmailSettingsService,
    private readonly checks: EmailSettingsCheckService,
  ) {}

  @Get()
  @Auth('admin')
  @ApiOperation({ summary: "Your organization's incoming and outgoing email settings (passwords are never returned)" })
  @ApiOkResponse({ type: EmailSettingsResponse })
  get(@CurrentTenant() caller: TenantUser): Promise<EmailSettingsResponse> {
    return this.settings.get(caller.organizationId);
  }

  @Put('incoming')
  @Auth('admin')
  @Audited('settings.email.incoming.saved', { target: 'email-settings', secrets: ['password'] })
  @ApiOperation({ summary: 'Save the incoming (IMAP) settings', description: 'Emits settings.email.changed.' })
  @ApiOkResponse({ type: IncomingSettingsResponse })
  @ApiBadRequestResponse(BAD_REQUEST)
  saveIncoming(
    @CurrentTenant() caller: TenantUser,
    @Body() dto: IncomingSettingsDto,
  ): Promise<IncomingSettingsResponse> {
    return this.settings.saveIncoming(caller.organizationId, dto);
  }

  @Put('outgoing')
  @Auth('admin')
  @Audited('settings.email.outgoing.saved', { target: 'email-settings', secrets: ['password'] })
  @ApiOperation({ summary: 'Save the outgoing (SMTP) settings', description: 'Emits settings.email.changed.' })
  @ApiOkResponse({ type: OutgoingSettingsResponse })
  @ApiBadRequestResponse(BAD_REQUEST)
  saveOutgoing(
    @CurrentTenant() caller: TenantUser,
    @Body() dto: OutgoingSettingsDto,
  ): Promise<OutgoingSettingsResponse> {
    return this.settings.saveOutgoing(caller.organizationId, dto);
  }

  @Post('incoming/test')
  @HttpCode(200)
  @Auth('admin')
  @Audited('settings.email.incoming.tested', { target: 'email-settings', secrets: ['password'] })
  @OrganizationRateLimit('mailTests')
  @ApiOperation({
    summary: 'Connect, log in and open the folder',
    description:
      'Tests the saved settings, or the unsaved ones in the body (password may be left out to use the saved one ' +
      'with the same host, port, security, verifyCertificate and username). A mail failure is a 200 with ok: false and its reason.',
  })
  @ApiBody({ type: IncomingSettingsDto, required: false })
  @ApiOkResponse({ schema: oneOf(IncomingCheckSuccessResponse, ConnectionFailureResponse) })
  @ApiBadRequestResponse({ description: 'Invalid fields, each named in details', type: ErrorResponse })
  @ApiNotFoundResponse({ description: 'No body and no saved incoming settings', type: ErrorResponse })
  @ApiServiceUnavailableResponse(UNREADABLE)
  checkIncoming(
    @CurrentTenant() caller: TenantUser,
    @Body(new OptionalBodyPipe(IncomingSettingsDto)) unsaved: unknown,
  ): Promise<IncomingCheckSuccessResponse | ConnectionFailureResponse> {
    return this.checks.checkIncoming(caller.organizationId, unsaved as IncomingSettingsDto | undefined);
  }

  @Post('outgoing/test')
  @HttpCode(200)
  @Auth('admin')
  @Audited('settings.email.outgoing.tested', { target: 'email-settings' })
  @OrganizationRateLimit('mailTests')
  @ApiOperation({
    summary: 'Send a real test message with the saved outgoing settings',
    description: 'A mail failure is a 200 with ok: false and its reason.',
  })
  @ApiOkResponse({ schema: oneOf(OutgoingCheckSuccessResponse, ConnectionFailureResponse) })
  @ApiBadRequestResponse({ description: 'Invalid fields, each named in details', type: ErrorResponse })
  @ApiNotFoundResponse({ description: 'No saved outgoing settings', type: ErrorResponse })
  @ApiServiceUnavailableResponse(UNREADABLE)
  sendTestMessage(
    @CurrentTenant() caller: TenantUser,
    @Body() dto: SendTestMessageDto,
  ): Promise<OutgoingCheckSuccessResponse | ConnectionFailureResponse> {
    return this.checks.sendTestMessage(caller.organizationId, dto.to);
  }

  @Post('verify')
  @HttpCode(200)
  @Auth('admin')
  @Audited('settings.email.verified', { target: 'email-settings' })
  @OrganizationRateLimit('verify')
  @ApiOperation({
    summary: 'Round trip: send a tagged message to the incoming address and find it in the mailbox',
    description:
      'Uses the saved settings. The probe carries the X-Helpdesk-Verify header, never becomes a ticket and stays in ' +
      'the mailbox. A failure is a 200 with ok: false, the stage (send or receive) and its reason.',
  })
  @ApiOkResponse({ schema: oneOf(VerifySuccessResponse, VerifyFailureResponse) })
  @ApiNotFoundResponse({ description: 'Incoming or outgoing settings are not saved', type: ErrorResponse })
  @ApiServiceUnavailableResponse(UNREADABLE)
  verify(@CurrentTenant() caller: TenantUser): Promise<VerifySuccessResponse | VerifyFailureResponse> {
    return this.checks.verify(caller.organizationId);
  }
}
