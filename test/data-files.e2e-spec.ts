import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, type TestApp } from './support/test-app';
import { createTenant } from './support/tenants';
import { usingPostgres } from './support/test-database';

const modeOf = (file: string) => (statSync(file).mode & 0o777).toString(8);

describe('files in DATA_DIR that hold secrets or data are readable by the service user only', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    // Whatever the umask of whoever starts the service.
    process.umask(0o022);
    testApp = await startTestApp();
    // Something written, so the SQLite WAL exists.
    await createTenant(testApp);
  });
  afterAll(() => testApp.close());

  it('generated secrets are 0600', () => {
    for (const name of ['jwt-secret', 'message-id-secret', 'encryption-key']) {
      expect([name, modeOf(join(testApp.config.dataDir, name))]).toEqual([name, '600']);
    }
  });

  (usingPostgres() ? it.skip : it)('the SQLite file and its WAL are 0600', () => {
    const database = join(testApp.config.dataDir, 'helpdesk.sqlite');
    expect(existsSync(`${database}-wal`)).toBe(true);
    for (const file of [database, `${database}-wal`, `${database}-shm`]) {
      expect([file, modeOf(file)]).toEqual([file, '600']);
    }
  });
});
