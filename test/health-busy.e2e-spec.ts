import { DataSource, type QueryRunner } from 'typeorm';
import { startTestApp, type TestApp } from './support/test-app';
import { usingPostgres } from './support/test-database';

/** `/health` tells a busy pool (load: 200, degraded) from an unreachable database (503). */
(usingPostgres() ? describe : describe.skip)('health while every pooled connection is in use', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp({ DATABASE_POOL_SIZE: '2', SYNC_CONCURRENCY: '1' });
  });
  afterAll(() => testApp.close());

  it('answers 200 "busy" while the pool is taken, and "ok" again once a connection is free', async () => {
    const dataSource = testApp.app.get(DataSource);
    const held: QueryRunner[] = [dataSource.createQueryRunner(), dataSource.createQueryRunner()];
    for (const runner of held) await runner.connect();
    try {
      const busy = await testApp.http().get('/health').expect(200);
      expect(busy.body).toMatchObject({
        status: 'degraded',
        info: { database: { status: 'degraded', state: 'busy' } },
      });
    } finally {
      for (const runner of held) await runner.release();
    }
    const ok = await testApp.http().get('/health').expect(200);
    expect(ok.body).toMatchObject({ status: 'ok', info: { database: { status: 'up', state: 'ok' } } });
  });
});
