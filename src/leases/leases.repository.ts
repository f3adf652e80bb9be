import { Injectable } from '@nestjs/common';
import type { EntityManager, ObjectLiteral } from 'typeorm';
import { TransactionRunner } from '../database/transaction-runner';

/** Holders renewed per statement: well under either database's limit on bound parameters. */
const RENEW_CHUNK = 500;

/** The row that says who holds one organization's lease for one purpose, and until when. */
export interface LeaseKey {
  organizationId: string;
  purpose: string;
}

/**
 * The `leases` table. Every statement is one short transaction of its own (no session state, no
 * advisory lock, no prepared statement kept on a connection), so it works the same through a
 * transaction-mode pooler; on SQLite the transaction also keeps it out of another flow's open one.
 */
@Injectable()
export class LeasesRepository {
  constructor(private readonly transactions: TransactionRunner) {}

  /**
   * Takes the lease when nobody holds it or its holder let it expire: one upsert that only
   * overwrites an expired row. True when `holder` now has it.
   */
  take(key: LeaseKey, holder: string, nowMs: number, expiresAtMs: number): Promise<boolean> {
    return this.returnsRow(
      'INSERT INTO leases (organization_id, purpose, holder, expires_at_ms) ' +
        'VALUES (:organizationId, :purpose, :holder, :expiresAtMs) ' +
        'ON CONFLICT (organization_id, purpose) DO UPDATE ' +
        'SET holder = excluded.holder, expires_at_ms = excluded.expires_at_ms ' +
        'WHERE leases.expires_at_ms < :nowMs RETURNING holder',
      { ...key, holder, nowMs, expiresAtMs },
    );
  }

  /**
   * Moves the expiry of every lease still held by one of `holders` (each acquisition is a holder of its
   * own, so a holder names one row) in one statement per chunk: an instance idling a thousand mailboxes
   * renews them in a few transactions, not a thousand. Gives the holders that still had their lease.
   */
  async renewAll(holders: readonly string[], expiresAtMs: number): Promise<Set<string>> {
    const renewed = new Set<string>();
    for (let start = 0; start < holders.length; start += RENEW_CHUNK) {
      const chunk = holders.slice(start, start + RENEW_CHUNK);
      const rows = await this.transactions.run((manager) =>
        this.query(
          manager,
          'UPDATE leases SET expires_at_ms = :expiresAtMs WHERE holder IN (:...chunk) RETURNING holder',
          { chunk, expiresAtMs },
        ),
      );
      for (const row of rows) renewed.add(String(row.holder));
    }
    return renewed;
  }

  /** Gives the lease up; a lease someone else took over meanwhile is left alone. */
  async release(key: LeaseKey, holder: string): Promise<void> {
    await this.returnsRow(
      'DELETE FROM leases WHERE organization_id = :organizationId AND purpose = :purpose AND holder = :holder ' +
        'RETURNING holder',
      { ...key, holder },
    );
  }

  /** Deletes every lease, whoever holds it. */
  async clear(): Promise<void> {
    await this.transactions.run((manager) => this.query(manager, 'DELETE FROM leases', {}));
  }

  /** Who holds the lease and until when (epoch ms), expired or not; null when there is no row. */
  find(key: LeaseKey): Promise<{ holder: string; expiresAtMs: number } | null> {
    return this.transactions.run(async (manager) => {
      const [row] = await this.query(
        manager,
        'SELECT holder, expires_at_ms FROM leases WHERE organization_id = :organizationId AND purpose = :purpose',
        { ...key },
      );
      return row ? { holder: String(row.holder), expiresAtMs: Number(row.expires_at_ms) } : null;
    });
  }

  /** Live leases of one purpose per holder instance (the holder up to its '/'): who does how much of it. */
  countByInstance(purpose: string, nowMs: number): Promise<Map<string, number>> {
    return this.transactions.run(async (manager) => {
      const rows = await this.query(
        manager,
        'SELECT holder FROM leases WHERE purpose = :purpose AND expires_at_ms >= :nowMs',
        { purpose, nowMs },
      );
      const counts = new Map<string, number>();
      for (const row of rows) {
        const instance = String(row.holder).split('/')[0];
        counts.set(instance, (counts.get(instance) ?? 0) + 1);
      }
      return counts;
    });
  }

  private returnsRow(sql: string, parameters: ObjectLiteral): Promise<boolean> {
    return this.transactions.run(async (manager) => (await this.query(manager, sql, parameters)).length > 0);
  }

  private async query(manager: EntityManager, sql: string, parameters: ObjectLiteral): Promise<ObjectLiteral[]> {
    const [text, values] = manager.connection.driver.escapeQueryWithParameters(sql, parameters);
    if (!manager.queryRunner) throw new Error('A lease statement runs in its own transaction');
    // The structured result has the rows of a RETURNING the same way on both drivers.
    const result = await manager.queryRunner.query(text, values, true);
    return (result.records ?? []) as ObjectLiteral[];
  }
}
