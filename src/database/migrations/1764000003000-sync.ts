import { MigrationInterface, QueryRunner, Table, TableForeignKey } from 'typeorm';
import { columnTypes } from '../column-types';

function organizationKey(table: string): TableForeignKey {
  return new TableForeignKey({
    name: `FK_${table}_organization`,
    columnNames: ['organization_id'],
    referencedTableName: 'organizations',
    referencedColumnNames: ['id'],
    onDelete: 'CASCADE',
  });
}

export class Sync1764000003000 implements MigrationInterface {
  name = 'Sync1764000003000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    const count = (name: string) => ({ name, type: t.integer, default: 0 });
    const stamp = (name: string, isNullable = true) => ({ name, type: t.timestamp, isNullable });
    await queryRunner.createTable(
      new Table({
        name: 'sync_states',
        columns: [
          { name: 'organization_id', type: t.uuid, isPrimary: true },
          { name: 'running', type: t.boolean, default: t.false },
          { name: 'from_mode', type: t.varchar, length: '20', isNullable: true },
          stamp('since'),
          { name: 'interval_seconds', type: t.integer, default: 300 },
          { name: 'mark_seen', type: t.boolean, default: t.false },
          stamp('last_run_at'),
          stamp('last_success_at'),
          stamp('next_run_at'),
          count('consecutive_failures'),
          { name: 'last_error_class', type: t.varchar, length: '20', isNullable: true },
          { name: 'last_error_message', type: t.text, isNullable: true },
          stamp('last_error_at'),
          count('total_fetched'),
          count('total_tickets'),
          count('total_comments'),
          count('total_ignored'),
          count('total_failed'),
          { name: 'updated_at', type: t.timestamp, default: t.now },
        ],
        foreignKeys: [organizationKey('sync_states')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'sync_watermarks',
        columns: [
          { name: 'organization_id', type: t.uuid, isPrimary: true },
          { name: 'folder', type: t.varchar, length: '300', isPrimary: true },
          { name: 'uid_validity', type: t.varchar, length: '20' },
          { name: 'last_uid', type: 'bigint' },
        ],
        foreignKeys: [organizationKey('sync_watermarks')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'sync_runs',
        columns: [
          { name: 'id', type: t.uuid, isPrimary: true },
          { name: 'organization_id', type: t.uuid },
          { name: 'trigger', type: t.varchar, length: '20' },
          { name: 'status', type: t.varchar, length: '20' },
          stamp('started_at', false),
          stamp('finished_at'),
          { name: 'total', type: t.integer, isNullable: true },
          count('fetched'),
          count('tickets'),
          count('comments'),
          count('ignored'),
          count('failed'),
          { name: 'error_class', type: t.varchar, length: '20', isNullable: true },
          { name: 'error_message', type: t.text, isNullable: true },
        ],
        indices: [{ name: 'IDX_sync_runs_org_started', columnNames: ['organization_id', 'started_at'] }],
        foreignKeys: [organizationKey('sync_runs')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'ingested_messages',
        columns: [
          { name: 'id', type: t.uuid, isPrimary: true },
          { name: 'organization_id', type: t.uuid },
          { name: 'message_key', type: t.varchar, length: '500' },
          { name: 'folder', type: t.varchar, length: '300' },
          { name: 'uid_validity', type: t.varchar, length: '20' },
          { name: 'uid', type: 'bigint' },
          { name: 'run_id', type: t.uuid, isNullable: true },
          { name: 'outcome', type: t.varchar, length: '20' },
          { name: 'reason', type: t.varchar, length: '200', isNullable: true },
          { name: 'ticket_id', type: t.uuid, isNullable: true },
          { name: 'from_address', type: t.varchar, length: '320', isNullable: true },
          { name: 'subject', type: t.varchar, length: '500', isNullable: true },
          { name: 'raw_base64', type: t.text, isNullable: true },
          { name: 'raw_key', type: t.varchar, length: '64', isNullable: true },
          { name: 'created_at', type: t.timestamp, default: t.now },
        ],
        indices: [
          { name: 'UQ_ingested_messages_key', columnNames: ['organization_id', 'message_key'], isUnique: true },
          { name: 'IDX_ingested_messages_run', columnNames: ['run_id'] },
        ],
        foreignKeys: [organizationKey('ingested_messages')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'sync_failures',
        columns: [
          { name: 'id', type: t.uuid, isPrimary: true },
          { name: 'organization_id', type: t.uuid },
          { name: 'folder', type: t.varchar, length: '300' },
          { name: 'uid_validity', type: t.varchar, length: '20' },
          { name: 'uid', type: 'bigint' },
          { name: 'run_id', type: t.uuid, isNullable: true },
          { name: 'status', type: t.varchar, length: '20' },
          { name: 'error_class', type: t.varchar, length: '20' },
          { name: 'reason', type: t.text },
          { name: 'attempts', type: t.integer, default: 1 },
          { name: 'size', type: t.integer },
          { name: 'raw_base64', type: t.text },
          { name: 'ticket_id', type: t.uuid, isNullable: true },
          { name: 'created_at', type: t.timestamp, default: t.now },
          stamp('updated_at', false),
        ],
        indices: [
          { name: 'IDX_sync_failures_org_status', columnNames: ['organization_id', 'status'] },
          {
            name: 'UQ_sync_failures_message',
            columnNames: ['organization_id', 'folder', 'uid_validity', 'uid'],
            isUnique: true,
          },
        ],
        foreignKeys: [organizationKey('sync_failures')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['sync_failures', 'ingested_messages', 'sync_runs', 'sync_watermarks', 'sync_states']) {
      await queryRunner.dropTable(table);
    }
  }
}
