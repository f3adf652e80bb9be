import { Body, Controller, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { TenantUser } from '../common/auth/auth-user';
import { Auth, CurrentTenant } from '../common/auth/auth.decorators';
import { ErrorResponse } from '../common/errors/error-response';
import { SetPushDto } from './dto/set-push.dto';
import { SyncStatusResponse } from './dto/sync-status.response';
import { PushStatus } from './push-status';
import { SyncViews } from './sync-views';
import { Audited } from '../common/audit/audited.decorator';

@ApiTags('sync')
@Controller('sync')
export class PushController {
  constructor(
    private readonly push: PushStatus,
    private readonly views: SyncViews,
  ) {}

  @Put('push')
  @Auth('admin')
  @Audited('sync.push.changed', { target: 'sync' })
  @ApiOperation({ summary: 'Turn push (IMAP IDLE: new mail becomes a ticket within seconds) on or off' })
  @ApiOkResponse({ type: SyncStatusResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  async setPush(@CurrentTenant() caller: TenantUser, @Body() dto: SetPushDto): Promise<SyncStatusResponse> {
    await this.push.setEnabled(caller.organizationId, dto.enabled);
    return this.views.status(caller.organizationId);
  }
}
