import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { addColumnsInPlace, dropColumnsInPlace } from '../columns-in-place';

/** A timestamp as the driver reads it: a Date from pg, UTC text (`2026-12-04 13:45:39.123`) from SQLite. */
function epochMs(value: Date | string | null): number | null {
  if (value === null) return null;
  return value instanceof Date ? value.getTime() : Date.parse(`${value.replace(' ', 'T')}Z`);
}

/**
 * One schedule for every instance: `due_at_ms`, when each running organization's next scheduled run is
 * due (null while stopped or suspended), and `claimed_until_ms`, until when an instance that took it
 * is trusted to run it (a crashed claimer's organization comes due again after that). Running
 * organizations get the due time the per-instance timers used to compute: the back-off's end, else one
 * interval after the last run, else now.
 */
export class SyncDueTimes1764000017000 implements MigrationInterface {
  name = 'SyncDueTimes1764000017000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await addColumnsInPlace(queryRunner, 'sync_states', [
      new TableColumn({ name: 'due_at_ms', type: 'bigint', isNullable: true }),
      new TableColumn({ name: 'claimed_until_ms', type: 'bigint', isNullable: true }),
    ]);
    await queryRunner.createIndex(
      'sync_states',
      new TableIndex({ name: 'IDX_sync_states_due', columnNames: ['due_at_ms'] }),
    );
    const postgres = queryRunner.connection.driver.options.type === 'postgres';
    // pg numbers its parameters; better-sqlite3 takes them in order.
    const sql = (text: string) => (postgres ? text : text.replace(/\$\d/g, '?'));
    const rows: {
      organization_id: string;
      next_run_at: Date | string | null;
      last_run_at: Date | string | null;
      interval_seconds: number | string;
    }[] = await queryRunner.query(
      sql(
        'SELECT organization_id, next_run_at, last_run_at, interval_seconds FROM sync_states ' +
          'WHERE running = $1 AND suspended = $2',
      ),
      postgres ? [true, false] : [1, 0],
    );
    const now = Date.now();
    for (const row of rows) {
      const lastRun = epochMs(row.last_run_at);
      const due = epochMs(row.next_run_at) ?? (lastRun === null ? now : lastRun + Number(row.interval_seconds) * 1000);
      await queryRunner.query(sql('UPDATE sync_states SET due_at_ms = $1 WHERE organization_id = $2'), [
        due,
        row.organization_id,
      ]);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('sync_states', 'IDX_sync_states_due');
    await dropColumnsInPlace(queryRunner, 'sync_states', ['due_at_ms', 'claimed_until_ms']);
  }
}
