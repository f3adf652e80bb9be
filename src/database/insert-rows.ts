import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

/** Bound parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535. */
const PARAMETER_BUDGET = 30_000;

/**
 * Inserts rows with as few multi-row INSERT statements as the parameter limits allow, reading nothing
 * back. One statement for a whole batch instead of one per row is what keeps a database round trip
 * off every row (the cost that dominates PostgreSQL over loopback).
 */
export async function insertRows<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  rows: QueryDeepPartialEntity<T>[],
  options: { orIgnore?: boolean } = {},
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Math.max(1, Object.keys(rows[0]).length);
  const perStatement = Math.max(1, Math.floor(PARAMETER_BUDGET / columns));
  for (let start = 0; start < rows.length; start += perStatement) {
    const insert = manager
      .createQueryBuilder()
      .insert()
      .into(entity)
      .values(rows.slice(start, start + perStatement));
    if (options.orIgnore) insert.orIgnore();
    await insert.updateEntity(false).execute();
  }
}
