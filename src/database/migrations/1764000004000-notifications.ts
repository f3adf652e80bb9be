import { MigrationInterface, QueryRunner, Table, TableForeignKey } from 'typeorm';
import { columnTypes } from '../column-types';

function foreignKey(name: string, column: string, table: string): TableForeignKey {
  return new TableForeignKey({
    name,
    columnNames: [column],
    referencedTableName: table,
    referencedColumnNames: ['id'],
    onDelete: 'CASCADE',
  });
}

export class Notifications1764000004000 implements MigrationInterface {
  name = 'Notifications1764000004000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    const stamp = (name: string, isNullable = true) => ({ name, type: t.timestamp, isNullable });
    await queryRunner.createTable(
      new Table({
        name: 'notification_settings',
        columns: [
          { name: 'organization_id', type: t.uuid, isPrimary: true },
          { name: 'settings', type: t.json },
          stamp('updated_at', false),
        ],
        foreignKeys: [foreignKey('FK_notification_settings_organization', 'organization_id', 'organizations')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'notification_events',
        columns: [
          { name: 'id', type: t.uuid, isPrimary: true },
          { name: 'organization_id', type: t.uuid },
          { name: 'ticket_id', type: t.uuid },
          { name: 'trigger', type: t.json },
          { name: 'attempts', type: t.integer, default: 0 },
          { name: 'last_error', type: t.text, isNullable: true },
          stamp('lease_until'),
          stamp('processed_at'),
          stamp('created_at', false),
        ],
        indices: [{ name: 'IDX_notification_events_pending', columnNames: ['processed_at', 'created_at'] }],
        foreignKeys: [foreignKey('FK_notification_events_organization', 'organization_id', 'organizations')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'notifications',
        columns: [
          { name: 'id', type: t.uuid, isPrimary: true },
          { name: 'organization_id', type: t.uuid },
          { name: 'ticket_id', type: t.uuid },
          { name: 'event_id', type: t.uuid },
          { name: 'kind', type: t.varchar, length: '30' },
          { name: 'automatic', type: t.boolean },
          { name: 'recipient', type: t.varchar, length: '320' },
          { name: 'subject', type: t.text },
          { name: 'body_text', type: t.text },
          { name: 'body_html', type: t.text },
          { name: 'headers', type: t.json },
          { name: 'message_id', type: t.varchar, length: '500' },
          { name: 'in_reply_to', type: t.varchar, length: '1000', isNullable: true },
          { name: 'thread_references', type: t.text, isNullable: true },
          { name: 'status', type: t.varchar, length: '20' },
          { name: 'reason', type: t.text, isNullable: true },
          { name: 'attempts', type: t.integer, default: 0 },
          stamp('next_attempt_at', false),
          stamp('lease_until'),
          { name: 'lease_owner', type: t.varchar, length: '64', isNullable: true },
          stamp('sent_at'),
          { name: 'smtp_response', type: t.text, isNullable: true },
          stamp('created_at', false),
          stamp('updated_at', false),
        ],
        indices: [
          { name: 'IDX_notifications_due', columnNames: ['status', 'next_attempt_at'] },
          { name: 'IDX_notifications_org_status', columnNames: ['organization_id', 'status', 'created_at'] },
          { name: 'IDX_notifications_org_recipient', columnNames: ['organization_id', 'recipient', 'created_at'] },
          { name: 'IDX_notifications_org_ticket', columnNames: ['organization_id', 'ticket_id', 'created_at'] },
        ],
        foreignKeys: [
          foreignKey('FK_notifications_organization', 'organization_id', 'organizations'),
          foreignKey('FK_notifications_ticket', 'ticket_id', 'tickets'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['notifications', 'notification_events', 'notification_settings']) {
      await queryRunner.dropTable(table);
    }
  }
}
