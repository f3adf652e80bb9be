import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { TenantUser } from '../common/auth/auth-user';
import { Audited } from '../common/audit/audited.decorator';
import { Auth, CurrentTenant } from '../common/auth/auth.decorators';
import { ErrorResponse } from '../common/errors/error-response';
import { ListNotificationsQuery } from './dto/list-notifications.query';
import { NotificationResponse } from './dto/notification.response';
import { NotificationsService } from './notifications.service';

@ApiTags('notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Auth('admin')
  @ApiOperation({
    summary: 'Mail sent for your tickets: queued, sent, failed and suppressed, with reasons; newest first',
  })
  @ApiOkResponse({ type: [NotificationResponse] })
  @ApiBadRequestResponse({ description: 'An unknown status', type: ErrorResponse })
  list(@CurrentTenant() caller: TenantUser, @Query() query: ListNotificationsQuery): Promise<NotificationResponse[]> {
    return this.notifications.list(caller.organizationId, query);
  }

  @Post(':id/retry')
  @Auth('admin')
  @Audited('notification.retried', { target: 'notification' })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send a failed notification again (or one the loop brake held back)',
    description: 'The message keeps its Message-ID, so a reply to it still threads into the ticket.',
  })
  @ApiOkResponse({ type: NotificationResponse })
  @ApiBadRequestResponse({ description: 'The id is not a UUID', type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiConflictResponse({ description: 'Sent, queued, or refused for its recipient', type: ErrorResponse })
  retry(
    @CurrentTenant() caller: TenantUser,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<NotificationResponse> {
    return this.notifications.retry(caller.organizationId, id);
  }
}
