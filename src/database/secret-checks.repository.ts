import type { EntityManager } from 'typeorm';

/** What the database keeps of a secret: never the secret, only what tells two apart. */
export interface SecretCheck {
  name: string;
  keyId: string;
  canary: string;
}

/**
 * The `secret_checks` table (raw SQL, like `leases`: no entity, no other module reads it). Written by
 * the first instance that boots with each secret, and by the key rotation.
 */
export const SecretChecksRepository = {
  /** Records checks for secrets the database has none of yet; an existing check is left as it is. */
  async recordMissing(manager: EntityManager, checks: SecretCheck[]): Promise<void> {
    for (const check of checks) {
      await manager.query(
        manager.connection.driver.options.type === 'postgres'
          ? 'INSERT INTO secret_checks (name, key_id, canary) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING'
          : 'INSERT INTO secret_checks (name, key_id, canary) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING',
        [check.name, check.keyId, check.canary],
      );
    }
  },

  /** Replaces a secret's check (a deliberate change of the secret, e.g. the encryption key's rotation). */
  async replace(manager: EntityManager, check: SecretCheck): Promise<void> {
    const postgres = manager.connection.driver.options.type === 'postgres';
    await manager.query(
      postgres
        ? 'INSERT INTO secret_checks (name, key_id, canary) VALUES ($1, $2, $3) ' +
            'ON CONFLICT (name) DO UPDATE SET key_id = excluded.key_id, canary = excluded.canary'
        : 'INSERT INTO secret_checks (name, key_id, canary) VALUES (?, ?, ?) ' +
            'ON CONFLICT (name) DO UPDATE SET key_id = excluded.key_id, canary = excluded.canary',
      [check.name, check.keyId, check.canary],
    );
  },

  async list(manager: EntityManager): Promise<SecretCheck[]> {
    const rows: { name: string; key_id: string; canary: string }[] = await manager.query(
      'SELECT name, key_id, canary FROM secret_checks',
    );
    return rows.map((row) => ({ name: row.name, keyId: row.key_id, canary: row.canary }));
  },
};
