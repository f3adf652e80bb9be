import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { SUPERADMIN } from './test-app';
import type { ApiClient } from './tenants';

/** The compiled entry point; `npm test` compiles it before running the specs. */
export const MAIN_JS = join(__dirname, '..', '..', 'src', 'main.js');

export interface SpawnedApp {
  child: ChildProcess;
  output(): string;
  stderr(): string;
  /** Waits up to `timeoutMs` (90 s: a boot on a loaded CI machine, not a speed check) for `pattern`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts the real service as a child process with exactly the given environment (plus PATH). */
export function spawnApp(env: Record<string, string | undefined>): SpawnedApp {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run npm run build:test first`);
  const child = spawn(process.execPath, [MAIN_JS], {
    env: { PATH: process.env.PATH, ...env },
    cwd: join(__dirname, '..', '..', '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => stdout,
    stderr: () => stderr,
    exited,
    waitForOutput: (pattern, timeoutMs = 90_000) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const poll = setInterval(() => {
          const match = stdout.match(pattern);
          if (match) {
            clearInterval(poll);
            resolve(match);
          } else if (child.exitCode !== null || Date.now() - started > timeoutMs) {
            clearInterval(poll);
            // A service that never came up must not outlive the failed test: its pipes would hold the
            // test file open until the runner's timeout.
            if (child.exitCode === null) child.kill('SIGKILL');
            reject(
              new Error(`Did not see ${pattern} (exit ${child.exitCode}). stdout:\n${stdout}\nstderr:\n${stderr}`),
            );
          }
        }, 25);
      }),
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      // A process that ignores SIGTERM must not hang the suite; the test then sees a non-zero exit.
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(force);
      return code;
    },
  };
}

/**
 * What a spec's spawned service runs with: loopback on a free port, info logs as JSON (waitForOutput reads
 * the "Listening on" line), cheap password hashing and the test superadmin; `extra` adds or overrides.
 */
export function serviceEnv(
  dataDir: string,
  databaseUrl: string | undefined,
  extra: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    PASSWORD_HASH_COST: '4',
    SUPERADMIN_EMAIL: SUPERADMIN.email,
    SUPERADMIN_PASSWORD: SUPERADMIN.password,
    ...extra,
  };
}

/**
 * The real service as a child process (so it can be SIGKILLed like a crashed server), once it listens
 * (within `timeoutMs`: a boot on a loaded machine can take longer than the default).
 */
export async function startService(
  env: Record<string, string | undefined>,
  timeoutMs?: number,
): Promise<{ service: SpawnedApp; api: ApiClient; url: string }> {
  const service = spawnApp(env);
  const [, url] = await service.waitForOutput(/Listening on (http:\/\/\S+) /, timeoutMs);
  return { service, api: { http: () => request(url!) }, url: url! };
}
