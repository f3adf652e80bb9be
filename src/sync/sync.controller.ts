import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { TenantUser } from '../common/auth/auth-user';
import { Audited } from '../common/audit/audited.decorator';
import { Auth, CurrentTenant } from '../common/auth/auth.decorators';
import { OrganizationRateLimit } from '../common/rate-limit/organization-rate-limit';
import { ErrorResponse } from '../common/errors/error-response';
import { SetIntervalDto } from './dto/set-interval.dto';
import { StartSyncDto } from './dto/start-sync.dto';
import { RetryFailureResponse, SyncFailureResponse } from './dto/sync-failure.response';
import { RunMessagesPage, SyncNowResponse, SyncRunResponse } from './dto/sync-run.response';
import { ListFailuresQuery } from './dto/list-failures.query';
import { RunMessagesQuery } from './dto/run-messages.query';
import { SyncStatusResponse } from './dto/sync-status.response';
import { SyncControlService } from './sync-control.service';
import { SyncFailuresService } from './sync-failures.service';
import { SyncViews } from './sync-views';

@ApiTags('sync')
@Controller('sync')
export class SyncController {
  constructor(
    private readonly control: SyncControlService,
    private readonly failures: SyncFailuresService,
    private readonly views: SyncViews,
  ) {}

  @Get()
  @Auth('admin')
  @ApiOperation({ summary: 'The sync service status widget: state, schedule, health and totals' })
  @ApiOkResponse({ type: SyncStatusResponse })
  status(@CurrentTenant() caller: TenantUser): Promise<SyncStatusResponse> {
    return this.views.status(caller.organizationId);
  }

  @Post('start')
  @Auth('admin')
  @Audited('sync.started', { target: 'sync' })
  @HttpCode(200)
  @ApiOperation({ summary: 'Start sync from the current date, a specific date, or the last sync' })
  @ApiOkResponse({ type: SyncStatusResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiConflictResponse({
    description: 'No incoming settings, mailbox unreachable, or no previous sync',
    type: ErrorResponse,
  })
  async start(@CurrentTenant() caller: TenantUser, @Body() dto: StartSyncDto): Promise<SyncStatusResponse> {
    await this.control.start(caller.organizationId, {
      from: dto.from,
      date: dto.date ? new Date(`${dto.date.slice(0, 10)}T00:00:00Z`) : undefined,
      markSeen: dto.markSeen,
    });
    return this.views.status(caller.organizationId);
  }

  @Post('stop')
  @Auth('admin')
  @Audited('sync.stopped', { target: 'sync' })
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop sync; a run in progress stops after the message it is on' })
  @ApiOkResponse({ type: SyncStatusResponse })
  async stop(@CurrentTenant() caller: TenantUser): Promise<SyncStatusResponse> {
    await this.control.stop(caller.organizationId);
    return this.views.status(caller.organizationId);
  }

  @Post('now')
  @Auth('admin')
  @Audited('sync.run-requested', { target: 'sync' })
  @OrganizationRateLimit('syncNow')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Run now; answers with the run when it ends, or 202 with its id if it takes long',
    description:
      'Also while the sync is stopped: an explicit one-off fetch (e.g. to take in what is there before ' +
      'starting). It takes in what a scheduled run would, from where the last run or Start left off, and does ' +
      'not start the schedule: the state stays stopped.',
  })
  @ApiOkResponse({ type: SyncNowResponse })
  @ApiAcceptedResponse({ type: SyncNowResponse })
  @ApiConflictResponse({ description: 'No incoming settings', type: ErrorResponse })
  async now(
    @CurrentTenant() caller: TenantUser,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SyncNowResponse> {
    const result = await this.control.syncNow(caller.organizationId);
    if (!result.finished) {
      response.status(202);
      return { finished: false, runId: result.runId, queued: result.queued, run: null };
    }
    const runId = result.summary.runId;
    const run = runId ? await this.views.run(caller.organizationId, runId) : null;
    return { finished: true, runId, queued: false, run };
  }

  @Put('interval')
  @Auth('admin')
  @Audited('sync.interval.changed', { target: 'sync' })
  @ApiOperation({ summary: 'Change the period between runs; takes effect at once' })
  @ApiOkResponse({ type: SyncStatusResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  async interval(@CurrentTenant() caller: TenantUser, @Body() dto: SetIntervalDto): Promise<SyncStatusResponse> {
    await this.control.setInterval(caller.organizationId, dto.seconds);
    return this.views.status(caller.organizationId);
  }

  @Get('runs')
  @Auth('admin')
  @ApiOperation({ summary: 'Recent runs with counts, errors and what each ignored and why' })
  @ApiOkResponse({ type: [SyncRunResponse] })
  runs(@CurrentTenant() caller: TenantUser): Promise<SyncRunResponse[]> {
    return this.views.recentRuns(caller.organizationId, 50);
  }

  @Get('runs/:id')
  @Auth('admin')
  @ApiOperation({ summary: 'One run with its counts and error' })
  @ApiOkResponse({ type: SyncRunResponse })
  @ApiBadRequestResponse({ description: 'The id is not a UUID', type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  run(@CurrentTenant() caller: TenantUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<SyncRunResponse> {
    return this.views.run(caller.organizationId, id);
  }

  @Get('runs/:id/messages')
  @Auth('admin')
  @ApiOperation({
    summary: 'Every message the run fetched and what it became (ticket, comment, ignored and why, failed), by UID',
  })
  @ApiOkResponse({ type: RunMessagesPage })
  @ApiBadRequestResponse({ description: 'The id is not a UUID, or a bad `after` or `limit`', type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  runMessages(
    @CurrentTenant() caller: TenantUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: RunMessagesQuery,
  ): Promise<RunMessagesPage> {
    return this.views.runMessages(caller.organizationId, id, query.after ?? 0, query.limit ?? 100);
  }

  @Get('failures')
  @Auth('admin')
  @ApiOperation({ summary: 'Messages that could not be processed' })
  @ApiOkResponse({ type: [SyncFailureResponse] })
  @ApiBadRequestResponse({ description: 'An unknown status', type: ErrorResponse })
  async listFailures(
    @CurrentTenant() caller: TenantUser,
    @Query() query: ListFailuresQuery,
  ): Promise<SyncFailureResponse[]> {
    const failures = await this.failures.list(caller.organizationId, query.status ?? 'open');
    return failures.map((failure) => SyncFailureResponse.from(failure));
  }

  @Get('failures/:id/raw')
  @Auth('admin')
  @ApiOperation({ summary: 'The original message, as received (message/rfc822)' })
  @ApiProduces('message/rfc822')
  @ApiOkResponse({
    description: 'The message as received',
    content: { 'message/rfc822': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiBadRequestResponse({ description: 'The id is not a UUID', type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  async raw(
    @CurrentTenant() caller: TenantUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Res() response: Response,
  ): Promise<void> {
    const raw = await this.failures.raw(caller.organizationId, id);
    response
      .status(200)
      .set({
        'Content-Type': 'message/rfc822',
        'Content-Disposition': `attachment; filename="failure-${id}.eml"`,
        'X-Content-Type-Options': 'nosniff',
      })
      .send(raw);
  }

  @Post('failures/:id/retry')
  @Auth('admin')
  @Audited('sync.failure.retried', { target: 'sync-failure' })
  @HttpCode(200)
  @ApiOperation({ summary: 'Process the stored message again (after a fix)' })
  @ApiOkResponse({ type: RetryFailureResponse })
  @ApiBadRequestResponse({ description: 'The id is not a UUID', type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  retry(
    @CurrentTenant() caller: TenantUser,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<RetryFailureResponse> {
    return this.failures.retry(caller.organizationId, id);
  }

  @Delete('failures/:id')
  @Auth('admin')
  @Audited('sync.failure.dismissed', { target: 'sync-failure' })
  @HttpCode(204)
  @ApiOperation({ summary: 'Dismiss a failure' })
  @ApiBadRequestResponse({ description: 'The id is not a UUID', type: ErrorResponse })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponse })
  dismiss(@CurrentTenant() caller: TenantUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.failures.dismiss(caller.organizationId, id);
  }
}
