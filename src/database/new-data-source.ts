import { DataSource, type DataSourceOptions } from 'typeorm';

/**
 * A DataSource whose entities may have `blob` columns (Buffers) on either database. TypeORM has no binary
 * column type both drivers take: SQLite's is `blob`, PostgreSQL's `bytea`, and an entity names one type
 * for both. Entities say `blob`; on PostgreSQL the driver is told, before it reads the entities, that
 * `blob` is `bytea`, so the entity metadata, the schema the migrations made and the values (Buffers
 * both ways) agree on both databases.
 */
export function newDataSource(options: DataSourceOptions): DataSource {
  const dataSource = new DataSource(options);
  if (options.type === 'postgres') {
    const { driver } = dataSource;
    const normalize = driver.normalizeType.bind(driver);
    driver.normalizeType = (column) => (column.type === 'blob' ? 'bytea' : normalize(column));
  }
  return dataSource;
}
