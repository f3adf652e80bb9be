/**
 * `node dist/bench/api-what-if.js [--postgres]` (after `npm run build:test`): what the first page of
 * `GET /api/v1/tickets` would do at 32 connections with two changes that are not in the product, each
 * patched in at run time on top of the previous one, on 100,000 seeded tickets:
 * 1. the JWT secret handed to passport-jwt as a KeyObject (jsonwebtoken otherwise tries, and fails, to
 *    parse the string secret as a PEM public key on every request);
 * 2. the unfiltered list's `total` read from `ticket_counters.last_number` (exact while tickets are never
 *    deleted) instead of an exact COUNT(*) over the organization's tickets.
 * A measurement to decide on, not a test; it reaches into private fields of the patched classes.
 */
import { createSecretKey } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { JwtStrategy } from '../src/auth/jwt.strategy';
import { JWT_SECRET } from '../src/auth/jwt-secret';
import { TicketListRepository, type TicketListFilter, type TicketPage } from '../src/tickets/ticket-list.repository';
import type { Ticket } from '../src/tickets/ticket.entity';
import { startTestApp } from '../test/support/test-app';
import { createTenant } from '../test/support/tenants';
import { load, print, seed } from './api';

const PG_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

async function main(): Promise<void> {
  const postgres = process.argv.includes('--postgres');
  if (postgres) process.env.TEST_DATABASE_URL = PG_URL;
  else delete process.env.TEST_DATABASE_URL;
  const label = postgres ? 'postgres' : 'sqlite';
  const testApp = await startTestApp({ NOTIFY_SENDER_ENABLED: 'false' });
  try {
    const tenant = await createTenant(testApp);
    const dataSource = testApp.app.get(DataSource);
    await seed(dataSource, tenant.organizationId, [tenant.admin.id], 100_000);
    if (!postgres) await dataSource.query('ANALYZE');
    const { port } = testApp.app.getHttpServer().address() as AddressInfo;
    const url = `http://127.0.0.1:${port}`;
    const page = [{ name: 'page 1', path: '/api/v1/tickets' }];
    print(`${label} as is`, await load(url, tenant.admin.token, page, 8));

    const key = createSecretKey(Buffer.from(testApp.app.get<string>(JWT_SECRET)));
    const strategy = testApp.app.get(JwtStrategy) as unknown as {
      _secretOrKeyProvider: (request: unknown, token: string, done: (error: null, key: unknown) => void) => void;
    };
    strategy._secretOrKeyProvider = (_request, _token, done) => done(null, key);
    print(`${label} +1`, await load(url, tenant.admin.token, page, 8));

    const list = TicketListRepository.prototype as unknown as {
      page: (organizationId: string, filter: TicketListFilter, offset: number, limit: number) => Promise<TicketPage>;
      filtered: (organizationId: string, filter: TicketListFilter) => SelectQueryBuilder<Ticket>;
    };
    const original = list.page;
    const param = postgres ? '$1' : '?';
    list.page = async function (this: typeof list, organizationId, filter, offset, limit) {
      if (Object.values(filter).some((value) => value !== undefined)) {
        return original.call(this, organizationId, filter, offset, limit);
      }
      const items = await this.filtered(organizationId, filter)
        .orderBy('ticket.lastActivityAt', 'DESC')
        .addOrderBy('ticket.number', 'DESC')
        .offset(offset)
        .limit(limit)
        .getMany();
      const rows = (await dataSource.query(`SELECT last_number FROM ticket_counters WHERE organization_id = ${param}`, [
        organizationId,
      ])) as { last_number: number | string }[];
      return { items, total: Number(rows[0]?.last_number ?? 0) };
    };
    print(`${label} +1+2`, await load(url, tenant.admin.token, page, 8));
  } finally {
    await testApp.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
