/**
 * `npm run bench:api [-- --tickets N --seconds S]`: seeds N (default 100,000) tickets with a comment each
 * into one organization (bulk inserts straight into the tables), then loads `GET /api/v1/tickets` at 32
 * connections with autocannon from a child process: the first page, a status filter, an assignee
 * filter and a search. Prints requests/s and p50/p99 latency per query on SQLite, and on PostgreSQL when
 * it answers at TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); also how long
 * the page query and its exact COUNT take alone. Options: --page-only, --sqlite-only, --postgres-only.
 * Asserts nothing.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DataSource, type EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Comment } from '../src/tickets/comment.entity';
import { Contact } from '../src/tickets/contact.entity';
import { TicketListRepository } from '../src/tickets/ticket-list.repository';
import { Ticket } from '../src/tickets/ticket.entity';
import { startTestApp, type TestApp } from '../test/support/test-app';
import { createTenant } from '../test/support/tenants';
import { PG_URL, postgresAnswers } from './postgres';

const CONNECTIONS = 32;
const STATUSES = ['new', 'open', 'open', 'open', 'pending', 'resolved', 'resolved', 'closed', 'closed', 'closed'];
const WORDS = [
  'invoice',
  'login',
  'password',
  'refund',
  'shipping',
  'delivery',
  'account',
  'order',
  'screen',
  'update',
];

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const seconds = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e9;

function bulkInsert<T extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<T>, rows: Partial<T>[]) {
  return manager
    .createQueryBuilder()
    .insert()
    .into(entity)
    .values(rows as QueryDeepPartialEntity<T>[])
    .updateEntity(false)
    .execute();
}

/** Bulk inserts: contacts, tickets (numbered 1..N, activity spread over a year), one comment each. */
export async function seed(
  dataSource: DataSource,
  organizationId: string,
  agentIds: string[],
  count: number,
): Promise<void> {
  const contacts = Array.from({ length: Math.max(1, Math.floor(count / 10)) }, (_, i) => ({
    id: randomUUID(),
    organizationId,
    email: `customer-${i}@customer.test`,
    name: `Customer ${i}`,
  }));
  const chunk = 1000;
  const now = Date.now();
  await dataSource.transaction(async (manager) => {
    for (let start = 0; start < contacts.length; start += chunk) {
      await bulkInsert(manager, Contact, contacts.slice(start, start + chunk));
    }
    for (let start = 0; start < count; start += chunk) {
      const tickets: Partial<Ticket>[] = [];
      const comments: Partial<Comment>[] = [];
      for (let i = start; i < Math.min(start + chunk, count); i += 1) {
        const at = new Date(now - (count - i) * 60_000);
        const topic = WORDS[i % WORDS.length];
        // About 1 in 50 mentions the printer, in the subject or only in the body.
        const printer = i % 50 === 0 ? 'subject' : i % 50 === 25 ? 'body' : null;
        const id = randomUUID();
        tickets.push({
          id,
          organizationId,
          number: i + 1,
          subject: printer === 'subject' ? `Printer ${topic} problem` : `Question about my ${topic} #${i}`,
          status: STATUSES[i % STATUSES.length] as Ticket['status'],
          priority: 'normal',
          requesterId: contacts[i % contacts.length].id,
          assigneeId: i % 3 === 0 ? null : agentIds[i % agentIds.length],
          source: 'email',
          linkedTicketId: null,
          createdAt: at,
          updatedAt: at,
          lastActivityAt: at,
        });
        comments.push({
          id: randomUUID(),
          organizationId,
          ticketId: id,
          authorContactId: contacts[i % contacts.length].id,
          authorUserId: null,
          kind: 'requester',
          body: `Hello, I have a problem with my ${topic}${printer === 'body' ? ' and the printer' : ''}. Order ${i}.`,
          html: null,
          fullBody: null,
          internal: false,
          receivedAt: at,
          createdAt: at,
        });
      }
      await bulkInsert(manager, Ticket, tickets);
      await bulkInsert(manager, Comment, comments);
    }
    await manager.query(
      dataSource.options.type === 'postgres'
        ? 'INSERT INTO ticket_counters (organization_id, last_number) VALUES ($1, $2)'
        : 'INSERT INTO ticket_counters (organization_id, last_number) VALUES (?, ?)',
      [organizationId, count],
    );
  });
  // A table that has been in use for a while has been vacuumed and analyzed by autovacuum: the visibility
  // map is what lets PostgreSQL count from the index alone.
  if (dataSource.options.type === 'postgres') await dataSource.query('VACUUM ANALYZE');
}

interface LoadResult {
  name: string;
  path: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

export function load(
  url: string,
  token: string,
  paths: { name: string; path: string }[],
  duration: number,
): Promise<LoadResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'api-load.js')], {
      env: {
        ...process.env,
        BENCH_URL: url,
        BENCH_TOKEN: token,
        BENCH_PATHS: JSON.stringify(paths),
        BENCH_SECONDS: String(duration),
        BENCH_CONNECTIONS: String(CONNECTIONS),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = output.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) reject(new Error(`the load generator exited with ${code}`));
      else resolve(JSON.parse(line.slice(7)) as LoadResult[]);
    });
  });
}

export function print(label: string, results: LoadResult[]): void {
  for (const r of results) {
    const bad = r.non2xx + r.errors > 0 ? `  (${r.non2xx} non-2xx, ${r.errors} errors)` : '';
    console.log(
      `${label.padEnd(8)} ${r.name.padEnd(18)} ${r.requestsPerSecond.toFixed(0).padStart(6)} req/s   ` +
        `p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms${bad}`,
    );
  }
}

/** The list query and its COUNT, alone, averaged: is the exact count what costs? */
async function queryTimes(testApp: TestApp, organizationId: string): Promise<string> {
  const list = testApp.app.get(TicketListRepository);
  const dataSource = testApp.app.get(DataSource);
  const param = dataSource.options.type === 'postgres' ? '$1' : '?';
  const time = async (work: () => Promise<unknown>) => {
    await work();
    const started = process.hrtime.bigint();
    for (let i = 0; i < 20; i += 1) await work();
    return ((seconds(started) / 20) * 1000).toFixed(1);
  };
  const page = await time(() => list.page(organizationId, {}, 0, 25));
  const count = await time(() =>
    dataSource.query(`SELECT COUNT(*) FROM tickets WHERE organization_id = ${param}`, [organizationId]),
  );
  const items = await time(() =>
    dataSource.query(
      `SELECT * FROM tickets WHERE organization_id = ${param} ORDER BY last_activity_at DESC, number DESC LIMIT 25`,
      [organizationId],
    ),
  );
  const searchPage = await time(() => list.page(organizationId, { search: 'printer' }, 0, 25));
  return `page 1 query ${page} ms (COUNT(*) ${count} ms, first 25 rows ${items} ms); search page query ${searchPage} ms`;
}

async function run(dialect: 'sqlite' | 'postgres', count: number, duration: number): Promise<void> {
  if (dialect === 'postgres') process.env.TEST_DATABASE_URL = PG_URL;
  else delete process.env.TEST_DATABASE_URL;
  const testApp = await startTestApp({ NOTIFY_SENDER_ENABLED: 'false' });
  try {
    const tenant = await createTenant(testApp);
    const agents = [tenant.admin.id, (await tenant.addUser('agent')).id, (await tenant.addUser('agent')).id];
    const seeding = process.hrtime.bigint();
    await seed(testApp.app.get(DataSource), tenant.organizationId, agents, count);
    console.log(`${dialect}: seeded ${count} tickets and comments in ${seconds(seeding).toFixed(1)} s`);
    console.log(`${dialect}: ${await queryTimes(testApp, tenant.organizationId)}`);
    const { port } = testApp.app.getHttpServer().address() as AddressInfo;
    const one = async (path: string) => {
      const started = process.hrtime.bigint();
      for (let i = 0; i < 20; i += 1) {
        await testApp.http().get(path).set('Authorization', `Bearer ${tenant.admin.token}`).expect(200);
      }
      return ((seconds(started) / 20) * 1000).toFixed(1);
    };
    console.log(
      `${dialect}: one request at a time: page 1 ${await one('/api/v1/tickets')} ms, /me ${await one('/api/v1/me')} ms`,
    );
    const queries = [
      { name: 'page 1', path: '/api/v1/tickets' },
      { name: 'status=open', path: '/api/v1/tickets?status=open' },
      { name: 'assignee', path: `/api/v1/tickets?assignee=${agents[1]}` },
      { name: 'search q=printer', path: '/api/v1/tickets?q=printer' },
    ];
    const pageOnly = process.argv.includes('--page-only');
    const lists = pageOnly ? queries.slice(0, 1) : queries.slice(0, 3);
    const url = `http://127.0.0.1:${port}`;
    print(dialect, await load(url, tenant.admin.token, lists, duration));
    if (dialect === 'sqlite') {
      // The app ran `PRAGMA optimize` at start, before the seeding: show what statistics on the seeded
      // tables change (the product refreshes them hourly and at the next start).
      await testApp.app.get(DataSource).query('ANALYZE');
      console.log(`sqlite: after ANALYZE: ${await queryTimes(testApp, tenant.organizationId)}`);
      print('sqlite+A', await load(url, tenant.admin.token, lists, duration));
    }
    // Last: requests that time out on the client keep the server busy for a while after the run.
    if (!pageOnly) print(dialect, await load(url, tenant.admin.token, queries.slice(3), duration));
  } finally {
    await testApp.close();
  }
}

async function main(): Promise<void> {
  const count = arg('tickets', 100_000);
  const duration = arg('seconds', 10);
  console.log(`bench:api — ${count} tickets in one organization, ${CONNECTIONS} connections, ${duration} s per query`);
  if (!process.argv.includes('--postgres-only')) await run('sqlite', count, duration);
  if (process.argv.includes('--sqlite-only')) return;
  if (await postgresAnswers()) await run('postgres', count, duration);
  else console.log('postgres: not reachable, skipped');
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
