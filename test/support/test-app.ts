import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { AppConfig } from '../../src/config/app-config';
import { Env, parseConfig } from '../../src/config/parse-config';
import { createApp } from '../../src/create-app';
import { createTestDatabase, TestDatabase } from './test-database';

export const SUPERADMIN = { email: 'root@platform.test', password: 'superadmin-password-1' };

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  /** A supertest client bound to the running app. */
  http: () => ReturnType<typeof request>;
  /** Stops the app; keeps the data unless `close` is called. */
  stop(): Promise<void>;
  /** Boots a new app on the same data (a process restart). */
  restart(extraEnv?: Env): Promise<TestApp>;
  /** Boots a second app on the same data while this one runs (another instance); stop it with `stop`. */
  sibling(extraEnv?: Env): Promise<TestApp>;
  /** Stops the app and deletes its data. */
  close(): Promise<void>;
}

interface Storage {
  dataDir: string;
  database: TestDatabase;
}

/** Boots the real application (real database, real HTTP server on loopback) with test defaults. */
export async function startTestApp(extraEnv: Env = {}): Promise<TestApp> {
  const storage = { dataDir: mkdtempSync(join(tmpdir(), 'hd-app-')), database: await createTestDatabase() };
  return boot(storage, extraEnv);
}

export function testEnv(storage: Storage, extraEnv: Env): Env {
  return {
    NODE_ENV: 'test',
    DATA_DIR: storage.dataDir,
    DATABASE_URL: storage.database.url,
    LOG_LEVEL: 'silent',
    LOG_FORMAT: 'json',
    PASSWORD_HASH_COST: '4',
    // Whatever the machine's cores: the suite goes through the worker-thread parser.
    SYNC_PARSE_WORKERS: '1',
    // Specs drive the same tenant through many checks and syncs; the limits have their own spec.
    ORG_RATE_MAIL_TESTS: '10000',
    ORG_RATE_VERIFY: '10000',
    ORG_RATE_SYNC_NOW: '10000',
    SUPERADMIN_EMAIL: SUPERADMIN.email,
    SUPERADMIN_PASSWORD: SUPERADMIN.password,
    // Specs that drive runs themselves (Sync now) and then read "the latest run" or a run's counts would
    // race with push-triggered runs; push has its own specs, which turn it on (PUSH_ENABLED=true).
    PUSH_ENABLED: 'false',
    ...extraEnv,
  };
}

async function boot(storage: Storage, extraEnv: Env): Promise<TestApp> {
  const config = parseConfig(testEnv(storage, extraEnv));
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await app.close();
  };
  return {
    app,
    config,
    http: () => request(app.getHttpServer()),
    stop,
    restart: async (env = extraEnv) => {
      await stop();
      return boot(storage, env);
    },
    sibling: (env = extraEnv) => boot(storage, env),
    close: async () => {
      await stop();
      await storage.database.drop();
      rmSync(storage.dataDir, { recursive: true, force: true });
    },
  };
}
