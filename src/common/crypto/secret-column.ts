/**
 * A database column that holds sealed secrets. The owning module declares it once and uses it for the
 * sealing context; the key rotation command walks every declared column.
 */
export interface SecretColumn {
  table: string;
  /** The column that identifies a row (the primary key). */
  idColumn: string;
  column: string;
}

/** What a sealed value is bound to: its table, column and row, so it cannot be copied elsewhere. */
export function secretContext(column: SecretColumn, rowId: string): string {
  return `${column.table}.${column.column}:${rowId}`;
}
