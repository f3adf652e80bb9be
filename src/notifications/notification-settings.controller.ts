import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { TenantUser } from '../common/auth/auth-user';
import { Audited } from '../common/audit/audited.decorator';
import { Auth, CurrentTenant } from '../common/auth/auth.decorators';
import { ErrorResponse } from '../common/errors/error-response';
import { NotificationSettingsResponse } from './dto/notification-settings.response';
import { UpdateNotificationSettingsDto } from './dto/update-notification-settings.dto';
import { NotificationSettingsService } from './notification-settings.service';

@ApiTags('settings')
@Controller('settings/notifications')
export class NotificationSettingsController {
  constructor(private readonly settings: NotificationSettingsService) {}

  @Get()
  @Auth('admin')
  @ApiOperation({ summary: 'Which notifications are sent, their templates, and who hears about new tickets' })
  @ApiOkResponse({ type: NotificationSettingsResponse })
  async get(@CurrentTenant() caller: TenantUser): Promise<NotificationSettingsResponse> {
    return NotificationSettingsResponse.from(await this.settings.get(caller.organizationId));
  }

  @Put()
  @Auth('admin')
  @Audited('settings.notifications.saved', { target: 'notification-settings' })
  @ApiOperation({
    summary: 'Turn notifications on or off, change their templates or the new-ticket recipients',
    description: 'Fields left out keep their value. A template with an unknown placeholder is refused (400).',
  })
  @ApiOkResponse({ type: NotificationSettingsResponse })
  @ApiBadRequestResponse({ description: 'Invalid fields, each named in details', type: ErrorResponse })
  async update(
    @CurrentTenant() caller: TenantUser,
    @Body() dto: UpdateNotificationSettingsDto,
  ): Promise<NotificationSettingsResponse> {
    return NotificationSettingsResponse.from(await this.settings.update(caller.organizationId, dto));
  }
}
