import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { isPoolWaitTimeout } from '../database/pool-wait';

/** How long the health check waits for a pooled connection and its answer, and then for a direct one. */
const PING_MS = 2_000;

class PingTimeout extends Error {}

function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PingTimeout(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The database as `/health` reports it, in three states:
 * - `ok` (up, 200): a pooled connection answered;
 * - `busy` (degraded, still 200): no pooled connection came free in time, but the server answers a
 *   connection of its own: the service is loaded, not broken (every pooled connection is at work);
 * - `unreachable` (down, 503): neither answers, or the pool failed for another reason.
 */
@Injectable()
export class DatabaseHealth {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key: string): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    if (!this.dataSource.isInitialized) return indicator.down({ state: 'unreachable', message: 'Not connected' });
    try {
      await within(this.dataSource.query('SELECT 1'), PING_MS);
      return indicator.up({ state: 'ok' });
    } catch (error) {
      const waited = error instanceof PingTimeout || isPoolWaitTimeout(error);
      if (waited && (await this.serverAnswers())) {
        return indicator.degraded({ state: 'busy', message: 'Every pooled connection is in use; the server answers' });
      }
      return indicator.down({ state: 'unreachable', message: (error as Error).message });
    }
  }

  /** A connection outside the pool (PostgreSQL only): does the server itself answer? */
  private async serverAnswers(): Promise<boolean> {
    if (!this.config.databaseUrl) return false;
    const client = new Client({ connectionString: this.config.databaseUrl, connectionTimeoutMillis: PING_MS });
    try {
      await within(
        client.connect().then(() => client.query('SELECT 1')),
        PING_MS,
      );
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
