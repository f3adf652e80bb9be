import type { DataSource } from 'typeorm';

/** Undoes the latest migrations down to and including `name`; answers their names in the order they run. */
export async function undoThrough(dataSource: DataSource, name: string): Promise<string[]> {
  const undone: string[] = [];
  while (!undone.includes(name)) {
    // The one undoLastMigration undoes: the last applied (highest id).
    const [latest] = await dataSource.query<{ name: string }[]>('SELECT name FROM migrations ORDER BY id DESC LIMIT 1');
    await dataSource.undoLastMigration({ transaction: 'each' });
    undone.unshift(latest.name);
  }
  return undone;
}
