import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { PG_LISTENER_APPLICATION_NAME, PgListener } from '../src/database/pg-listener';
import { eventually } from './support/messages';
import { usingPostgres } from './support/test-database';

// LISTEN is PostgreSQL's; on SQLite the schedule's wakes stay in process.
(usingPostgres() ? describe : describe.skip)(
  'PgListener: LISTEN on a connection of its own, reopened when lost',
  () => {
    const url = process.env.TEST_DATABASE_URL ?? '';
    const channel = `test_${randomBytes(4).toString('hex')}`;
    let admin: Client;

    beforeAll(async () => {
      admin = new Client({ connectionString: url });
      await admin.connect();
    });
    afterAll(async () => {
      await admin.end();
    });

    it('hears NOTIFY from another connection, and again after its connection was killed', async () => {
      const heard: string[] = [];
      let listenings = 0;
      let failures = 0;
      const listener = new PgListener(url, channel, {
        message: (payload) => heard.push(payload),
        listening: () => (listenings += 1),
        failed: () => (failures += 1),
      });
      listener.start();
      try {
        await eventually(async () => listener.listening || null, 10_000);
        await admin.query('SELECT pg_notify($1, $2)', [channel, 'first']);
        await eventually(async () => heard.includes('first') || null, 10_000);
        // Its own probe is not passed on.
        expect(heard).toEqual(['first']);

        const { rows } = await admin.query<{ pid: number }>(
          'SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()',
          [PG_LISTENER_APPLICATION_NAME],
        );
        expect(rows.length).toBeGreaterThan(0);
        await admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [rows.map((r) => r.pid)]);
        await eventually(async () => (failures > 0 && listenings === 2 && listener.listening) || null, 15_000);
        await admin.query('SELECT pg_notify($1, $2)', [channel, 'second']);
        await eventually(async () => heard.includes('second') || null, 10_000);
      } finally {
        await listener.close();
      }
      expect(listener.listening).toBe(false);
    });
  },
);
