import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { insertRows } from '../database/insert-rows';
import { Attachment } from './attachment.entity';
import { Comment } from './comment.entity';

/** The only place that touches the comments and attachments tables. Organization id first. */
@Injectable()
export class CommentsRepository {
  constructor(
    @InjectRepository(Comment) private readonly comments: Repository<Comment>,
    @InjectRepository(Attachment) private readonly attachments: Repository<Attachment>,
  ) {}

  async insert(
    organizationId: string,
    comment: Omit<Comment, 'organizationId'>,
    manager: EntityManager,
  ): Promise<void> {
    await this.insertMany(organizationId, [comment], manager);
  }

  async insertMany(
    organizationId: string,
    comments: Omit<Comment, 'organizationId'>[],
    manager: EntityManager,
  ): Promise<void> {
    await insertRows(manager, Comment, comments, { shared: { organizationId } });
  }

  async insertAttachments(
    organizationId: string,
    rows: Omit<Attachment, 'organizationId'>[],
    manager: EntityManager,
  ): Promise<void> {
    await insertRows(manager, Attachment, rows, { shared: { organizationId } });
  }

  /** Oldest first: the conversation as it happened. */
  listForTicket(organizationId: string, ticketId: string): Promise<Comment[]> {
    return this.comments.find({ where: { organizationId, ticketId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Bytes of all the organization's attachments (each row counted, as each is the organization's to keep). */
  async attachmentBytes(organizationId: string): Promise<number> {
    const row = await this.attachments
      .createQueryBuilder('attachment')
      .select('COALESCE(SUM(attachment.size), 0)', 'total')
      .where('attachment.organization_id = :organizationId', { organizationId })
      .getRawOne<{ total: string | number }>();
    return Number(row?.total ?? 0);
  }

  listAttachmentsForTicket(organizationId: string, ticketId: string): Promise<Attachment[]> {
    return this.attachments.find({
      where: { organizationId, ticketId },
      order: { createdAt: 'ASC', filename: 'ASC', id: 'ASC' },
    });
  }

  findAttachment(organizationId: string, ticketId: string, id: string): Promise<Attachment | null> {
    return this.attachments.findOneBy({ organizationId, ticketId, id });
  }
}
