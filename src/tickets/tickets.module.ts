import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { StorageModule } from '../storage/storage.module';
import { UsersModule } from '../users/users.module';
import { Attachment } from './attachment.entity';
import { Comment } from './comment.entity';
import { CommentsRepository } from './comments.repository';
import { Contact } from './contact.entity';
import { ContactsRepository } from './contacts.repository';
import { MessageIdsRepository } from './message-ids.repository';
import { TicketAgentService } from './ticket-agent.service';
import { TicketCounter } from './ticket-counter.entity';
import { TicketKeysetRepository } from './ticket-keyset.repository';
import { TicketListCursors } from './ticket-list-cursor';
import { TicketListRepository } from './ticket-list.repository';
import { TicketMessageId } from './ticket-message-id.entity';
import { TicketParticipant } from './ticket-participant.entity';
import { TicketParticipantsRepository } from './ticket-participants.repository';
import { TicketViewsService } from './ticket-views.service';
import { TicketWriter } from './ticket-writer';
import { Ticket } from './ticket.entity';
import { TicketsController } from './tickets.controller';
import { TicketsRepository } from './tickets.repository';
import { TicketsService } from './tickets.service';

/**
 * Tickets, their conversation, requesters and attachments. Other modules use TicketsService (and
 * TransactionRunner to put its writes in their own transaction); nothing outside touches the tables.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Contact, Ticket, TicketCounter, TicketParticipant, Comment, Attachment, TicketMessageId]),
    StorageModule,
    UsersModule,
  ],
  controllers: [TicketsController],
  providers: [
    ContactsRepository,
    TicketsRepository,
    TicketListRepository,
    TicketKeysetRepository,
    TicketListCursors,
    TicketParticipantsRepository,
    CommentsRepository,
    MessageIdsRepository,
    TicketWriter,
    TicketsService,
    TicketViewsService,
    TicketAgentService,
  ],
  exports: [TicketsService, TicketViewsService],
})
export class TicketsModule {}
