import type { QueryRunner } from 'typeorm';

/**
 * Column types for dialect-neutral migrations, taken from the driver so they match what the
 * entities map to (e.g. Date → `datetime` on SQLite, `timestamp without time zone` on PostgreSQL).
 */
export function columnTypes(queryRunner: QueryRunner) {
  const driver = queryRunner.connection.driver;
  const normalize = (type: Parameters<typeof driver.normalizeType>[0]['type']) => driver.normalizeType({ type });
  return {
    uuid: normalize('uuid'),
    timestamp: normalize(Date),
    varchar: normalize(String),
    text: 'text',
    integer: normalize('int'),
    boolean: normalize(Boolean),
    json: normalize('simple-json'),
    /** What @CreateDateColumn/@UpdateDateColumn expect as the column default. */
    now: driver.mappedDataTypes.createDateDefault,
    /** A boolean column's `false` default, spelled as each driver normalizes it. */
    false: driver.options.type === 'postgres' ? 'false' : '0',
    true: driver.options.type === 'postgres' ? 'true' : '1',
  };
}
