import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user';
import { Auth, CurrentUser } from '../common/auth/auth.decorators';
import { ErrorResponse } from '../common/errors/error-response';
import type { AuditFilter, AuditScope } from './audit-events.repository';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditEventListResponse, AuditEventResponse } from './dto/audit-event.response';
import { ListAuditEventsQuery } from './dto/list-audit-events.query';

const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Read-only by design: no route changes or deletes a row of the audit log. */
@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly events: AuditEventsRepository) {}

  @Get()
  @Auth('superadmin', 'admin')
  @ApiOperation({
    summary: 'Who did what, when and from where: admin actions and sign-ins, newest first',
    description:
      "An admin sees their organization's rows; the superadmin sees every organization's and the platform's.",
  })
  @ApiOkResponse({ type: AuditEventListResponse })
  @ApiBadRequestResponse({ description: 'Invalid filters, each named in details', type: ErrorResponse })
  async list(@CurrentUser() caller: AuthUser, @Query() query: ListAuditEventsQuery): Promise<AuditEventListResponse> {
    // The roles guard lets an admin through only with an organization; only the superadmin has none.
    const scope: AuditScope =
      caller.role === 'superadmin' ? { allOrganizations: true } : { organizationId: caller.organizationId as string };
    const filter: AuditFilter = { action: query.action, from: query.from, to: query.to };
    if (query.actor) {
      if (USER_ID.test(query.actor)) filter.actorUserId = query.actor.toLowerCase();
      else filter.actorEmail = query.actor.toLowerCase();
    }
    const [events, total] = await this.events.page(scope, filter, query.page, query.pageSize);
    return {
      items: events.map((event) => AuditEventResponse.from(event)),
      total,
      page: query.page,
      pageSize: query.pageSize,
    };
  }
}
