import type { EntityManager } from 'typeorm';
import type { SecretBox } from './secret-box';
import { secretContext, type SecretColumn } from './secret-column';

export interface RotationResult {
  /** Secrets opened with the old key and sealed again with the new one. */
  rotated: number;
  /** Secrets already sealed with the new key (e.g. a second run). */
  skipped: number;
}

/**
 * Re-seals every secret in `columns` from `from` to `to` through `manager`; run it inside a transaction so
 * the database is either all old or all new. A secret that `from` cannot open aborts the whole run.
 */
export async function rotateSecrets(
  manager: EntityManager,
  columns: readonly SecretColumn[],
  from: SecretBox,
  to: SecretBox,
): Promise<RotationResult> {
  const result: RotationResult = { rotated: 0, skipped: 0 };
  for (const column of columns) {
    const rows = await manager
      .createQueryBuilder()
      .select(`t.${column.idColumn}`, 'id')
      .addSelect(`t.${column.column}`, 'sealed')
      .from(column.table, 't')
      .where(`t.${column.column} IS NOT NULL`)
      .getRawMany<{ id: string; sealed: string }>();
    for (const { id, sealed } of rows) {
      if (to.sealedWithThisKey(sealed)) {
        result.skipped += 1;
        continue;
      }
      const context = secretContext(column, id);
      const resealed = to.seal(from.open(sealed, context), context);
      await manager
        .createQueryBuilder()
        .update(column.table)
        .set({ [column.column]: resealed })
        .where(`${column.idColumn} = :id`, { id })
        .execute();
      result.rotated += 1;
    }
  }
  return result;
}
