import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { serviceEnv, spawnApp, type SpawnedApp } from './support/spawn-app';
import { SUPERADMIN } from './support/test-app';
import { createTestDatabase, usingPostgres, type TestDatabase } from './support/test-database';

const ACCEPT_JS = join(__dirname, '..', 'src', 'cli', 'accept-secrets.js');
const SECRET_FILES = {
  ENCRYPTION_KEY: 'encryption-key',
  JWT_SECRET: 'jwt-secret',
  MESSAGE_ID_SECRET: 'message-id-secret',
};

/**
 * Every instance on one database must share ENCRYPTION_KEY, JWT_SECRET and MESSAGE_ID_SECRET. The
 * database keeps a check per secret (never the secret): an instance whose secrets differ refuses to
 * boot, naming them, instead of running for minutes and failing every send.
 */
describe('secrets shared by every instance on one database', () => {
  let database: TestDatabase;
  const dataDirs: string[] = [];
  const services: SpawnedApp[] = [];

  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    for (const service of services.splice(0)) await service.kill();
    await database.drop();
    for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'hd-secrets-'));
    dataDirs.push(dir);
    return dir;
  };

  const envFor = (dir: string, secrets: Record<string, string> = {}) => serviceEnv(dir, database.url, secrets);

  /** A service that boots; its base URL. */
  async function boots(env: Record<string, string | undefined>): Promise<string> {
    const service = spawnApp(env);
    services.push(service);
    const [, url] = await service.waitForOutput(/Listening on (http:\/\/\S+) /);
    return url;
  }

  /** A service that refuses to boot; what it said on stderr. */
  async function refuses(env: Record<string, string | undefined>): Promise<string> {
    const service = spawnApp(env);
    expect(await service.exited).toBe(1);
    return service.stderr();
  }

  const generated = (dir: string) =>
    Object.fromEntries(
      Object.entries(SECRET_FILES).map(([variable, file]) => [variable, readFileSync(join(dir, file), 'utf8').trim()]),
    );

  const login = async (url: string) =>
    (await request(url).post('/api/v1/auth/login').send(SUPERADMIN).expect(200)).body.accessToken as string;

  (usingPostgres() ? it : it.skip)(
    'a second instance with its own generated secrets refuses to boot; with the first one’s secrets it works',
    async () => {
      const firstDir = dataDir();
      const first = await boots(envFor(firstDir));
      const token = await login(first);

      const secondDir = dataDir();
      const said = await refuses(envFor(secondDir));
      for (const variable of Object.keys(SECRET_FILES)) {
        expect(said).toMatch(
          new RegExp(`${variable} is not the one this database was first used with .*: it is not set`),
        );
      }
      // Its first line says it all (Nest's own report of the error follows).
      expect(said.split('\n')[0]).toMatch(/^Refusing to start: ENCRYPTION_KEY .*; JWT_SECRET .*; MESSAGE_ID_SECRET /);
      // Nothing about the secrets themselves is in the message or in the database's check table.
      for (const value of Object.values(generated(firstDir))) expect(said).not.toContain(value);

      // One secret wrong, the others right: only that one is named.
      const mixed = { ...generated(firstDir), MESSAGE_ID_SECRET: randomBytes(32).toString('hex') };
      const oneWrong = await refuses(envFor(secondDir, mixed));
      expect(oneWrong).toMatch(/MESSAGE_ID_SECRET is not the one/);
      expect(oneWrong).not.toMatch(/ENCRYPTION_KEY is not|JWT_SECRET is not/);

      const second = await boots(envFor(secondDir, generated(firstDir)));
      // Same JWT_SECRET: a token from the first instance is good on the second.
      await request(second).get('/api/v1/me').auth(token, { type: 'bearer' }).expect(200);
    },
  );

  it('a changed JWT_SECRET is refused at boot until accept-secrets records it on purpose', async () => {
    const dir = dataDir();
    const secrets = { JWT_SECRET: randomBytes(32).toString('hex') };
    const first = spawnApp(envFor(dir, secrets));
    services.push(first);
    await first.waitForOutput(/Listening on /);
    await first.kill();

    const changed = { JWT_SECRET: randomBytes(32).toString('hex') };
    const said = await refuses(envFor(dir, changed));
    expect(said).toMatch(/^Refusing to start: JWT_SECRET is not the one this database was first used with/);
    expect(said).not.toContain(changed.JWT_SECRET);
    expect(said).not.toContain(secrets.JWT_SECRET);

    const accepted = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(
        process.execPath,
        [ACCEPT_JS],
        { env: { PATH: process.env.PATH ?? '', ...envFor(dir, changed) }, cwd: dir },
        (error, stdout) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout }),
      ),
    );
    expect(accepted).toMatchObject({ code: 0, stdout: expect.stringMatching(/now expects JWT_SECRET/) });
    const url = await boots(envFor(dir, changed));
    await login(url);
  });
});
