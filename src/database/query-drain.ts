import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

const DRAIN_LIMIT_MS = 5_000;

/**
 * At shutdown, after the HTTP server has closed, lets the queries of requests that were still in
 * flight finish before TypeORM closes the pool. Closing the pool releases busy query runners'
 * connections back to it, and queries waiting for a connection then run on a client whose query has
 * not finished: pg's "client.query() when the client is already executing a query" warning (an error
 * in pg 9). Runs before TypeORM's own shutdown hook (this module is nearer the root); bounded, so a
 * stuck query cannot hold the process. SQLite has no pool.
 */
@Injectable()
export class QueryDrain implements OnApplicationShutdown {
  constructor(private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    const { driver } = this.dataSource;
    if (!(driver instanceof PostgresDriver)) return;
    const deadline = Date.now() + DRAIN_LIMIT_MS;
    while (driver.connectedQueryRunners.length > 0 && Date.now() < deadline) await sleep(10);
  }
}
