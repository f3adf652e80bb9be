import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { decodeEncryptionKey } from '../src/common/crypto/encryption-key';
import { SecretBox, SecretUnreadableError } from '../src/common/crypto/secret-box';
import { secretContext } from '../src/common/crypto/secret-column';
import {
  OAUTH_ACCESS_TOKEN,
  OAUTH_CLIENT_SECRET,
  OAUTH_REFRESH_TOKEN,
  OAUTH_VERIFIER,
} from '../src/oauth/oauth-secrets';
import { INCOMING_PASSWORD, OUTGOING_PASSWORD } from '../src/settings/email-settings-secrets';
import { startDovecot, type DovecotServer } from './harness/dovecot';
import { spawnApp } from './support/spawn-app';
import { startTestApp, type TestApp } from './support/test-app';
import { createTenant, type TestTenant } from './support/tenants';

/** The compiled command, next to the compiled server (`npm run build:test` builds both). */
const ROTATE_JS = join(__dirname, '..', 'src', 'cli', 'rotate-encryption-key.js');
const SUPPORT = { user: 'support', password: 'support-secret' };
const SMTP_PASSWORD = 'smtp-password-for-rotation';
const APP_ENV = { MAIL_ALLOW_PRIVATE_HOSTS: 'true', PUBLIC_URL: 'http://helpdesk.test' };
const OAUTH = { clientSecret: 'oauth-client-secret', accessToken: 'at_rotation', refreshToken: 'rt_rotation' };

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

describe('encryption key rotation', () => {
  let dovecot: DovecotServer;
  let testApp: TestApp;
  let tenant: TestTenant;
  /** The ENCRYPTION_KEY the second test rotated to (the servers after it are started with it). */
  let explicitKey: string | undefined;

  beforeAll(async () => {
    [dovecot, testApp] = await Promise.all([startDovecot({ users: [SUPPORT] }), startTestApp(APP_ENV)]);
    tenant = await createTenant(testApp);
    const put = (section: string, body: object) =>
      testApp
        .http()
        .put(`/api/v1/settings/email/${section}`)
        .auth(tenant.admin.token, { type: 'bearer' })
        .send(body)
        .expect(200);
    await put('incoming', {
      host: dovecot.host,
      port: dovecot.imapPort,
      security: 'none',
      username: SUPPORT.user,
      password: SUPPORT.password,
      address: 'support@example.test',
    });
    await put('outgoing', {
      host: dovecot.host,
      port: 25,
      security: 'none',
      useIncomingCredentials: false,
      username: 'mailer',
      password: SMTP_PASSWORD,
    });
    // The OAuth secrets: a client secret, a sign-in in progress (its PKCE verifier) and a connection's tokens.
    const endpoints = {
      authorizationEndpoint: 'http://127.0.0.1:9/authorize',
      tokenEndpoint: 'http://127.0.0.1:9/token',
    };
    await put('oauth-app', {
      provider: 'custom',
      clientId: 'rotation',
      clientSecret: OAUTH.clientSecret,
      ...endpoints,
    });
    await testApp
      .http()
      .post('/api/v1/settings/email/oauth/authorize')
      .auth(tenant.admin.token, { type: 'bearer' })
      .send({ provider: 'custom' })
      .expect(201);
    const box = testApp.app.get(SecretBox);
    const sealToken = (column: typeof OAUTH_ACCESS_TOKEN, token: string) =>
      box.seal(token, secretContext(column, tenant.organizationId));
    await testApp.app
      .get(DataSource)
      .createQueryBuilder()
      .insert()
      .into('oauth_connections')
      .values({
        organizationId: tenant.organizationId,
        provider: 'custom',
        grant: 'authorization-code',
        account: 'support@example.test',
        accessTokenSealed: sealToken(OAUTH_ACCESS_TOKEN, OAUTH.accessToken),
        accessTokenExpiresAtMs: Date.now() + 3_600_000,
        refreshTokenSealed: sealToken(OAUTH_REFRESH_TOKEN, OAUTH.refreshToken),
        status: 'connected',
        connectedAt: new Date(),
      })
      .execute();
  });
  afterAll(async () => {
    await testApp?.close();
    await dovecot?.close();
  });

  /** Runs the command against the test app's data, with exactly `env` (no inherited ENCRYPTION_KEY). */
  function rotate(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
    const base = { PATH: process.env.PATH ?? '', DATA_DIR: testApp.config.dataDir, LOG_LEVEL: 'silent' };
    const database = testApp.config.databaseUrl ? { DATABASE_URL: testApp.config.databaseUrl } : {};
    return new Promise((resolve) => {
      // cwd: the data folder, so no stray .env is read.
      execFile(
        process.execPath,
        [ROTATE_JS, ...args],
        { env: { ...base, ...database, ...env }, cwd: testApp.config.dataDir },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  async function sealedPasswords(): Promise<{ incoming: string; outgoing: string }> {
    const query = (table: string) =>
      testApp.app
        .get(DataSource)
        .createQueryBuilder()
        .select('t.password_sealed', 'sealed')
        .from(table, 't')
        .where('t.organization_id = :id', { id: tenant.organizationId })
        .getRawOne<{ sealed: string }>();
    const [incoming, outgoing] = await Promise.all([query(INCOMING_PASSWORD.table), query(OUTGOING_PASSWORD.table)]);
    return { incoming: incoming!.sealed, outgoing: outgoing!.sealed };
  }

  async function sealedOAuth() {
    const raw = (table: string, columns: string) =>
      testApp.app
        .get(DataSource)
        .createQueryBuilder()
        .select(columns)
        .from(table, 't')
        .where('t.organization_id = :id', { id: tenant.organizationId })
        .getRawOne<Record<string, string>>();
    const app = await raw('oauth_apps', 't.client_secret_sealed AS secret');
    const connection = await raw(
      'oauth_connections',
      't.access_token_sealed AS access, t.refresh_token_sealed AS refresh',
    );
    const authorization = await raw('oauth_authorizations', 't.state_hash AS id, t.verifier_sealed AS sealed');
    return {
      clientSecret: app!.secret,
      accessToken: connection!.access,
      refreshToken: connection!.refresh,
      verifier: { id: authorization!.id, sealed: authorization!.sealed },
    };
  }

  const testIncoming = () =>
    testApp.http().post('/api/v1/settings/email/incoming/test').auth(tenant.admin.token, { type: 'bearer' });
  const keyFile = () => readFileSync(join(testApp.config.dataDir, 'encryption-key'), 'utf8');

  it('re-encrypts every secret in place of the generated key file, and the restarted app still connects', async () => {
    const oldKey = decodeEncryptionKey(keyFile());
    await expect(testIncoming().expect(200)).resolves.toMatchObject({ body: { ok: true } });
    await testApp.stop();

    const newKey = randomBytes(32).toString('base64');
    const run = await rotate(['--new-key', newKey]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    // Two mail passwords, the OAuth client secret, the verifier, the access and the refresh token.
    expect(run.stdout).toMatch(/Re-encrypted 6 secret\(s\)/);
    expect(decodeEncryptionKey(keyFile())).toEqual(decodeEncryptionKey(newKey));

    testApp = await testApp.restart(APP_ENV);
    const sealed = await sealedPasswords();
    const oldBox = new SecretBox(oldKey);
    const newBox = new SecretBox(decodeEncryptionKey(newKey));
    const context = secretContext(INCOMING_PASSWORD, tenant.organizationId);
    expect(() => oldBox.open(sealed.incoming, context)).toThrow(SecretUnreadableError);
    expect(newBox.open(sealed.incoming, context)).toBe(SUPPORT.password);
    expect(newBox.open(sealed.outgoing, secretContext(OUTGOING_PASSWORD, tenant.organizationId))).toBe(SMTP_PASSWORD);
    const oauth = await sealedOAuth();
    const orgContext = (column: typeof OAUTH_CLIENT_SECRET) => secretContext(column, tenant.organizationId);
    expect(newBox.open(oauth.clientSecret, orgContext(OAUTH_CLIENT_SECRET))).toBe(OAUTH.clientSecret);
    expect(newBox.open(oauth.accessToken, orgContext(OAUTH_ACCESS_TOKEN))).toBe(OAUTH.accessToken);
    expect(newBox.open(oauth.refreshToken, orgContext(OAUTH_REFRESH_TOKEN))).toBe(OAUTH.refreshToken);
    expect(newBox.open(oauth.verifier.sealed, secretContext(OAUTH_VERIFIER, oauth.verifier.id))).toMatch(/^[\w-]{43}$/);
    expect(() => oldBox.open(oauth.accessToken, orgContext(OAUTH_ACCESS_TOKEN))).toThrow(SecretUnreadableError);
    await expect(testIncoming().expect(200)).resolves.toMatchObject({ body: { ok: true } });
  });

  it('with ENCRYPTION_KEY set: a server still on the old key refuses to start and says why, the new key works', async () => {
    const current = keyFile().trim();
    await testApp.stop();
    const run = await rotate(['--generate'], { ENCRYPTION_KEY: current });
    expect(run.code).toBe(0);
    const [, generated] = run.stdout.match(/set ENCRYPTION_KEY=(\S+) and start/) ?? [];
    expect(decodeEncryptionKey(generated)).toHaveLength(32);
    // An explicit key is the operator's to change: the file is left alone.
    expect(keyFile().trim()).toBe(current);

    // A server still on the old key refuses to start, naming the variable (it used to start, and then
    // fail every use of a stored password).
    const stale = spawnApp({
      DATA_DIR: testApp.config.dataDir,
      DATABASE_URL: testApp.config.databaseUrl ?? undefined,
      ENCRYPTION_KEY: current,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
    });
    expect(await stale.exited).toBe(1);
    expect(stale.stderr()).toMatch(
      /^Refusing to start: ENCRYPTION_KEY is not the one this database was first used with/,
    );
    expect(stale.stderr()).not.toMatch(/JWT_SECRET is not|MESSAGE_ID_SECRET is not/);

    testApp = await testApp.restart({ ...APP_ENV, ENCRYPTION_KEY: generated });
    await expect(testIncoming().expect(200)).resolves.toMatchObject({ body: { ok: true } });
    explicitKey = generated;
  });

  it('changes nothing when the current key is wrong or the new key is malformed', async () => {
    const before = await sealedPasswords();
    await testApp.stop();
    const wrongCurrent = await rotate(['--generate'], { ENCRYPTION_KEY: randomBytes(32).toString('base64') });
    expect(wrongCurrent.code).toBe(1);
    expect(wrongCurrent.stderr).toMatch(/was encrypted with key \w+, but the configured ENCRYPTION_KEY is key \w+/);
    const malformed = await rotate(['--new-key', 'c2hvcnQ='], { ENCRYPTION_KEY: randomBytes(32).toString('base64') });
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toMatch(/^The new key must decode to 32 bytes/);
    // The key the database expects since the previous rotation (the file's would be refused at boot).
    testApp = await testApp.restart({ ...APP_ENV, ENCRYPTION_KEY: explicitKey! });
    expect(await sealedPasswords()).toEqual(before);
  });
});
