import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { columnTypes } from '../column-types';
import { addColumnsInPlace, dropColumnsInPlace } from '../columns-in-place';

/**
 * Incidents: what went wrong for an organization (its sync keeps failing, its notifications are stuck,
 * mail landed in the failures list), from when until when, and which alert mail went out for it. At most
 * one open incident per organization and kind (a partial unique index), so two instances seeing the same
 * failure open one incident; the `*_notified_at` columns are claimed with a conditional UPDATE before a
 * mail is sent, so a restart or a second instance does not send it again.
 *
 * `users.alert_emails`: an admin may opt out of alert mail (default: in).
 */
export class Alerts1764000012000 implements MigrationInterface {
  name = 'Alerts1764000012000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    const stamp = (name: string, isNullable = true) => ({ name, type: t.timestamp, isNullable });
    await queryRunner.createTable(
      new Table({
        name: 'incidents',
        columns: [
          { name: 'id', type: t.uuid, isPrimary: true },
          { name: 'organization_id', type: t.uuid },
          { name: 'kind', type: t.varchar, length: '40' },
          { name: 'status', type: t.varchar, length: '20' },
          { name: 'last_error', type: t.text, isNullable: true },
          { name: 'occurrences', type: t.integer, default: 1 },
          stamp('opened_at', false),
          stamp('last_seen_at', false),
          stamp('resolved_at'),
          stamp('acknowledged_at'),
          { name: 'acknowledged_by', type: t.uuid, isNullable: true },
          stamp('opened_notified_at'),
          stamp('reminded_at'),
          stamp('recovered_notified_at'),
        ],
        indices: [
          {
            name: 'UQ_incidents_open',
            columnNames: ['organization_id', 'kind'],
            isUnique: true,
            where: "status = 'open'",
          },
          { name: 'IDX_incidents_org_opened', columnNames: ['organization_id', 'opened_at'] },
          { name: 'IDX_incidents_status', columnNames: ['status', 'kind'] },
        ],
        foreignKeys: [
          {
            name: 'FK_incidents_organization',
            columnNames: ['organization_id'],
            referencedTableName: 'organizations',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    // In place: on SQLite, making users again would cascade-delete what references them.
    await addColumnsInPlace(queryRunner, 'users', [
      new TableColumn({ name: 'alert_emails', type: t.boolean, default: t.true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropColumnsInPlace(queryRunner, 'users', ['alert_emails']);
    await queryRunner.dropTable('incidents');
  }
}
