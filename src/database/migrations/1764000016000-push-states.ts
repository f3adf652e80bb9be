import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { columnTypes } from '../column-types';

/**
 * Push (IMAP IDLE): per organization, whether the admin wants it and what its connection is doing.
 * The state lives in the database because the connection sits on one instance while the API may be
 * asked on any other. `push_instances`: the instances that hold IDLE connections, with when each last
 * looked for work, so they can share the connections out evenly (an instance with none is otherwise
 * invisible).
 */
export class PushStates1764000016000 implements MigrationInterface {
  name = 'PushStates1764000016000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'push_states',
        columns: [
          { name: 'organization_id', type: t.uuid, isPrimary: true },
          {
            name: 'enabled',
            type: t.boolean,
            default: queryRunner.connection.driver.options.type === 'postgres' ? 'true' : '1',
          },
          { name: 'state', type: t.varchar, length: '20', default: "'off'" },
          { name: 'since', type: t.timestamp, isNullable: true },
          { name: 'last_event_at', type: t.timestamp, isNullable: true },
          { name: 'error_class', type: t.varchar, length: '20', isNullable: true },
          { name: 'error_message', type: t.text, isNullable: true },
          { name: 'updated_at', type: t.timestamp, default: t.now },
        ],
        foreignKeys: [
          {
            name: 'FK_push_states_organization',
            columnNames: ['organization_id'],
            referencedTableName: 'organizations',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'push_instances',
        columns: [
          { name: 'instance_id', type: t.varchar, length: '120', isPrimary: true },
          { name: 'seen_at_ms', type: 'bigint' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('push_instances');
    await queryRunner.dropTable('push_states');
  }
}
