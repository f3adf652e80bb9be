import { MigrationInterface, QueryRunner, Table, TableForeignKey } from 'typeorm';
import { columnTypes } from '../column-types';

function foreignKey(
  name: string,
  column: string,
  table: string,
  onDelete: 'CASCADE' | 'SET NULL' | 'NO ACTION' = 'CASCADE',
): TableForeignKey {
  return new TableForeignKey({
    name,
    columnNames: [column],
    referencedTableName: table,
    referencedColumnNames: ['id'],
    onDelete,
  });
}

/** Tickets, their comments, attachments, contacts and thread Message-IDs. */
export class Tickets1764000002000 implements MigrationInterface {
  name = 'Tickets1764000002000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    const id = { name: 'id', type: t.uuid, isPrimary: true };
    const organization = { name: 'organization_id', type: t.uuid };
    const uuid = (name: string, isNullable = false) => ({ name, type: t.uuid, isNullable });
    const createdAt = { name: 'created_at', type: t.timestamp, default: t.now };
    const updatedAt = { name: 'updated_at', type: t.timestamp, default: t.now };

    await queryRunner.createTable(
      new Table({
        name: 'contacts',
        columns: [
          id,
          organization,
          { name: 'email', type: t.varchar, length: '320' },
          { name: 'name', type: t.varchar, length: '200' },
          createdAt,
          updatedAt,
        ],
        indices: [
          { name: 'UQ_contacts_organization_email', columnNames: ['organization_id', 'email'], isUnique: true },
        ],
        foreignKeys: [foreignKey('FK_contacts_organization', 'organization_id', 'organizations')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'ticket_counters',
        columns: [
          { name: 'organization_id', type: t.uuid, isPrimary: true },
          { name: 'last_number', type: t.integer },
        ],
        foreignKeys: [foreignKey('FK_ticket_counters_organization', 'organization_id', 'organizations')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'tickets',
        columns: [
          id,
          organization,
          { name: 'number', type: t.integer },
          { name: 'subject', type: t.text },
          { name: 'status', type: t.varchar, length: '20' },
          { name: 'priority', type: t.varchar, length: '20' },
          uuid('requester_id'),
          uuid('assignee_id', true),
          { name: 'source', type: t.varchar, length: '10' },
          uuid('linked_ticket_id', true),
          createdAt,
          updatedAt,
          { name: 'last_activity_at', type: t.timestamp },
        ],
        indices: [
          { name: 'UQ_tickets_organization_number', columnNames: ['organization_id', 'number'], isUnique: true },
          { name: 'IDX_tickets_organization_activity', columnNames: ['organization_id', 'last_activity_at', 'number'] },
          {
            name: 'IDX_tickets_organization_status_activity',
            columnNames: ['organization_id', 'status', 'last_activity_at', 'number'],
          },
          {
            name: 'IDX_tickets_organization_assignee_activity',
            columnNames: ['organization_id', 'assignee_id', 'last_activity_at', 'number'],
          },
          {
            name: 'IDX_tickets_organization_requester_activity',
            columnNames: ['organization_id', 'requester_id', 'last_activity_at', 'number'],
          },
          { name: 'IDX_tickets_organization_linked', columnNames: ['organization_id', 'linked_ticket_id'] },
        ],
        foreignKeys: [
          foreignKey('FK_tickets_organization', 'organization_id', 'organizations'),
          foreignKey('FK_tickets_requester', 'requester_id', 'contacts', 'NO ACTION'),
          foreignKey('FK_tickets_assignee', 'assignee_id', 'users', 'SET NULL'),
          foreignKey('FK_tickets_linked_ticket', 'linked_ticket_id', 'tickets', 'SET NULL'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'ticket_participants',
        columns: [
          { name: 'ticket_id', type: t.uuid, isPrimary: true },
          { name: 'contact_id', type: t.uuid, isPrimary: true },
          organization,
          createdAt,
        ],
        indices: [{ name: 'IDX_ticket_participants_contact', columnNames: ['organization_id', 'contact_id'] }],
        foreignKeys: [
          foreignKey('FK_ticket_participants_ticket', 'ticket_id', 'tickets'),
          foreignKey('FK_ticket_participants_contact', 'contact_id', 'contacts'),
          foreignKey('FK_ticket_participants_organization', 'organization_id', 'organizations'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'comments',
        columns: [
          id,
          organization,
          uuid('ticket_id'),
          uuid('author_contact_id', true),
          uuid('author_user_id', true),
          { name: 'kind', type: t.varchar, length: '20' },
          { name: 'body', type: t.text },
          { name: 'html', type: t.text, isNullable: true },
          { name: 'full_body', type: t.text, isNullable: true },
          { name: 'internal', type: t.boolean, default: t.false },
          { name: 'received_at', type: t.timestamp, isNullable: true },
          createdAt,
        ],
        indices: [
          { name: 'IDX_comments_organization_ticket', columnNames: ['organization_id', 'ticket_id', 'created_at'] },
        ],
        foreignKeys: [
          foreignKey('FK_comments_organization', 'organization_id', 'organizations'),
          foreignKey('FK_comments_ticket', 'ticket_id', 'tickets'),
          foreignKey('FK_comments_author_contact', 'author_contact_id', 'contacts', 'SET NULL'),
          foreignKey('FK_comments_author_user', 'author_user_id', 'users', 'SET NULL'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'attachments',
        columns: [
          id,
          organization,
          uuid('ticket_id'),
          uuid('comment_id'),
          { name: 'filename', type: t.varchar, length: '255' },
          { name: 'content_type', type: t.varchar, length: '255' },
          { name: 'size', type: t.integer },
          { name: 'storage_key', type: t.varchar, length: '64' },
          { name: 'content_id', type: t.varchar, length: '500', isNullable: true },
          { name: 'inline', type: t.boolean, default: t.false },
          createdAt,
        ],
        indices: [{ name: 'IDX_attachments_organization_ticket', columnNames: ['organization_id', 'ticket_id'] }],
        foreignKeys: [
          foreignKey('FK_attachments_organization', 'organization_id', 'organizations'),
          foreignKey('FK_attachments_ticket', 'ticket_id', 'tickets'),
          foreignKey('FK_attachments_comment', 'comment_id', 'comments'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'message_ids',
        columns: [
          id,
          organization,
          uuid('ticket_id'),
          { name: 'message_id', type: t.varchar, length: '998' },
          { name: 'direction', type: t.varchar, length: '10' },
          createdAt,
        ],
        indices: [
          {
            name: 'UQ_message_ids_organization_message',
            columnNames: ['organization_id', 'message_id'],
            isUnique: true,
          },
          { name: 'IDX_message_ids_organization_ticket', columnNames: ['organization_id', 'ticket_id'] },
        ],
        foreignKeys: [
          foreignKey('FK_message_ids_organization', 'organization_id', 'organizations'),
          foreignKey('FK_message_ids_ticket', 'ticket_id', 'tickets'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'message_ids',
      'attachments',
      'comments',
      'ticket_participants',
      'tickets',
      'ticket_counters',
      'contacts',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
