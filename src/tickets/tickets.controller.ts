import {
  Body,
  Controller,
  Get,
  Logger,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { TenantUser } from '../common/auth/auth-user';
import { Auth, CurrentTenant } from '../common/auth/auth.decorators';
import { DomainError } from '../common/errors/domain-error';
import { ErrorResponse } from '../common/errors/error-response';
import { AttachmentContentMissingError, AttachmentStorage } from '../storage/attachment-storage';
import { attachmentHeaders } from './attachment-headers';
import { CreateCommentDto } from './dto/create-comment.dto';
import { CreateTicketDto } from './dto/create-ticket.dto';
import { ListTicketsQuery } from './dto/list-tickets.query';
import { CommentResponse, TicketDetailResponse } from './dto/ticket-detail.response';
import { TicketListResponse } from './dto/ticket-summary.response';
import { UpdateTicketDto } from './dto/update-ticket.dto';
import { TicketAgentService } from './ticket-agent.service';
import { TicketViewsService } from './ticket-views.service';

@ApiTags('tickets')
@Controller('tickets')
export class TicketsController {
  private readonly logger = new Logger(TicketsController.name);

  constructor(
    private readonly views: TicketViewsService,
    private readonly agents: TicketAgentService,
    private readonly storage: AttachmentStorage,
  ) {}

  @Get()
  @Auth('admin', 'agent')
  @ApiOperation({
    summary: "Your organization's tickets, newest activity first (or by creation, or number)",
    description:
      'Page by `page`, or follow `nextCursor` from page 1: every ticket that existed at page 1 then comes ' +
      'exactly once while tickets are written. A cursor from another list, sort or organization is refused ' +
      '(INVALID_CURSOR).',
  })
  @ApiOkResponse({ type: TicketListResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  list(@CurrentTenant() caller: TenantUser, @Query() query: ListTicketsQuery): Promise<TicketListResponse> {
    return this.views.page(caller.organizationId, query);
  }

  @Post()
  @Auth('admin', 'agent')
  @ApiOperation({ summary: "Open a ticket on a requester's behalf", description: 'Emits ticket.created (source api).' })
  @ApiCreatedResponse({ type: TicketDetailResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  async create(@CurrentTenant() caller: TenantUser, @Body() dto: CreateTicketDto): Promise<TicketDetailResponse> {
    const ticketId = await this.agents.create(caller.organizationId, caller.id, dto);
    return this.views.detail(caller.organizationId, ticketId);
  }

  @Patch(':id')
  @Auth('admin', 'agent')
  @ApiOperation({ summary: "Change a ticket's status, priority or assignee", description: 'Emits ticket.updated.' })
  @ApiOkResponse({ type: TicketDetailResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  async update(
    @CurrentTenant() caller: TenantUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: UpdateTicketDto,
  ): Promise<TicketDetailResponse> {
    await this.agents.update(caller.organizationId, caller.id, id, dto);
    return this.views.detail(caller.organizationId, id);
  }

  @Post(':id/comments')
  @Auth('admin', 'agent')
  @ApiOperation({
    summary: 'Reply to the requester, or add an internal note',
    description: 'Emits ticket.commented (kind agent); internal notes are mailed to no one.',
  })
  @ApiCreatedResponse({ type: CommentResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  async comment(
    @CurrentTenant() caller: TenantUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: CreateCommentDto,
  ): Promise<CommentResponse> {
    const commentId = await this.agents.comment(caller.organizationId, caller.id, id, dto);
    return this.views.comment(caller.organizationId, id, commentId);
  }

  @Get(':id')
  @Auth('admin', 'agent')
  @ApiOperation({ summary: 'A ticket with its participants and its conversation' })
  @ApiOkResponse({ type: TicketDetailResponse })
  @ApiBadRequestResponse({ description: 'The id is not a UUID', type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  get(
    @CurrentTenant() caller: TenantUser,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<TicketDetailResponse> {
    return this.views.detail(caller.organizationId, id);
  }

  @Get(':id/attachments/:attachmentId')
  @Auth('admin', 'agent')
  @ApiOperation({
    summary: 'Download an attachment',
    description: 'Raster images are served inline; every other type (HTML and SVG included) as a download.',
  })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  @ApiBadRequestResponse({ description: 'An id is not a UUID', type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  async download(
    @CurrentTenant() caller: TenantUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('attachmentId', new ParseUUIDPipe()) attachmentId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const attachment = await this.views.attachment(caller.organizationId, id, attachmentId);
    try {
      const content = await this.storage.get(attachment.storageKey);
      response.set({ ...attachmentHeaders(attachment) });
      return new StreamableFile(content);
    } catch (error) {
      if (!(error instanceof AttachmentContentMissingError)) throw error;
      this.logger.error(
        { attachmentId, storageKey: attachment.storageKey },
        'Attachment content is missing from storage',
      );
      throw new DomainError(
        'not-found',
        'ATTACHMENT_CONTENT_MISSING',
        "The attachment's content is missing from storage",
      );
    }
  }
}
