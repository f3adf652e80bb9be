import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { spawnApp } from './support/spawn-app';
import { startTestApp } from './support/test-app';
import { createTestDatabase, TestDatabase } from './support/test-database';

describe('boot', () => {
  let dataDir: string;
  let database: TestDatabase;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hd-boot-'));
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([
    [{ PORT: 'abc' }, 'Invalid configuration: PORT must be an integer from 0 to 65535 (got "abc")'],
    [
      { DATABASE_URL: 'mysql://localhost/x' },
      'Invalid configuration: DATABASE_URL must be a postgres:// or postgresql:// URL',
    ],
    [
      { LOG_LEVEL: 'loud' },
      'Invalid configuration: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    ],
    [
      { SUPERADMIN_EMAIL: 'root@x.test' },
      'Invalid configuration: SUPERADMIN_PASSWORD must be set when SUPERADMIN_EMAIL is set',
    ],
  ])('stops on a bad value with one clear line: %j', async (bad, message) => {
    const app = spawnApp({ DATA_DIR: dataDir, ...bad });
    expect(await app.exited).toBe(1);
    expect(app.stderr()).toBe(`${message}\n`);
  });

  it('prints a generated superadmin password once, on the first start only, and it works', async () => {
    const env = {
      DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_FORMAT: 'json',
      PASSWORD_HASH_COST: '4',
    };
    const first = spawnApp(env);
    const [, email, password, baseUrl] = await first.waitForOutput(
      /created superadmin (\S+) with password (\S+)\n.*Sign in at (http:\/\/\S+)\/ \(Swagger UI: \S+\/docs\)/,
    );
    expect(email).toBe('admin@localhost');
    const login = await request(baseUrl).post('/api/v1/auth/login').send({ email, password }).expect(200);
    const token = login.body.accessToken as string;
    await request(baseUrl).get('/api/v1/me').auth(token, { type: 'bearer' }).expect(200);
    // The address printed is the console's: its page is served there.
    const consolePage = await request(baseUrl).get('/').expect(200);
    expect(consolePage.text).toContain('<div id="app"></div>');
    await first.kill();
    expect(first.output().split(password).length - 1).toBe(1);
    expect(first.output()).not.toContain(token);
    expect(first.output()).toContain('"msg":"request completed"');

    const second = spawnApp(env);
    await second.waitForOutput(/Nest application successfully started/);
    await second.kill();
    expect(second.output()).not.toContain(password);
    expect(second.output()).not.toMatch(/with password/);
  });

  it('migrates an empty database, matches the entities exactly, and a second start is a no-op', async () => {
    const first = await startTestApp({ DATABASE_URL: database.url, DATA_DIR: dataDir });
    const dataSource = first.app.get(DataSource);
    expect(await dataSource.showMigrations()).toBe(false);
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
    const applied = await dataSource.query('SELECT name FROM migrations ORDER BY id');
    const second = await first.restart();
    expect(await second.app.get(DataSource).query('SELECT name FROM migrations ORDER BY id')).toEqual(applied);
    expect(applied.length).toBe(dataSource.migrations.length);
    await second.stop();
  });
});
