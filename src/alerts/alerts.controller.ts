import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited } from '../common/audit/audited.decorator';
import type { TenantUser } from '../common/auth/auth-user';
import { Auth, CurrentTenant } from '../common/auth/auth.decorators';
import { ErrorResponse } from '../common/errors/error-response';
import { AlertsService } from './alerts.service';
import { IncidentResponse } from './dto/incident.response';

@ApiTags('alerts')
@Controller('alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @Auth('admin')
  @ApiOperation({ summary: "Your organization's open incidents and those resolved in the last 7 days" })
  @ApiOkResponse({ type: IncidentResponse, isArray: true })
  list(@CurrentTenant() caller: TenantUser): Promise<IncidentResponse[]> {
    return this.alerts.list(caller.organizationId);
  }

  @Post(':id/ack')
  @Auth('admin')
  @Audited('alert.acknowledged', { target: 'alert' })
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge an incident: no more daily reminders (its recovery is still mailed)' })
  @ApiOkResponse({ type: IncidentResponse })
  @ApiBadRequestResponse({ description: 'The id is not a UUID', type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  acknowledge(
    @CurrentTenant() caller: TenantUser,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<IncidentResponse> {
    return this.alerts.acknowledge(caller.organizationId, id, caller.id);
  }
}
