/**
 * Phase (f) of `npm run bench:ingest`: the built service as `npm start` runs it (its Node flags, NODE_ENV
 * production, logging at info as JSON to a pipe, the product's defaults for everything else), driven only
 * over HTTP: an organization, its incoming settings, Start from a date before every message, then Sync
 * now, which answers when that run has stored the last message. What a user who times a sync sees.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { Helpdesk } from '../test/support/helpdesk';
import { SUPERADMIN } from '../test/support/test-app';
import { createTenant } from '../test/support/tenants';

export interface ServicePhaseResult {
  seconds: number;
  messages: number;
  /** The service process's peak RSS (VmHWM), bytes. */
  peakRss: number;
  /** CPU seconds the service process spent from Start to the end of the run, all its threads. */
  cpuSeconds: number;
}

/** The compiled entry point and the flags of package.json's start:prod. */
const MAIN_JS = join(__dirname, '..', 'src', 'main.js');
const START_FLAGS = ['--max-old-space-size=512'];

export function processCpuSeconds(pid: number): number {
  const line = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = line.slice(line.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function peakRss(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

/** Starts the service and resolves with its URL once it listens. */
export function startService(env: Record<string, string>) {
  const child = spawn(process.execPath, [...START_FLAGS, MAIN_JS], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      // Only the head is kept: the service logs every run, and the log's size is not the phase's business.
      if (stdout.length < 64 * 1024) stdout += chunk.toString();
      const match = /Listening on (http:\/\/\S+) /.exec(stdout);
      if (match) resolve(match[1]!);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`The service exited (${code}) before listening:\n${stderr}`)));
  });
  const stopped = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, listening, stop: () => (child.kill('SIGTERM'), stopped) };
}

export async function servicePhase(
  imap: { host: string; imapPort: number },
  user: string,
  dataDir: string,
  databaseUrl = '',
): Promise<ServicePhaseResult> {
  const service = startService({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    // The bench's Dovecot is on loopback, which production refuses by default.
    MAIL_ALLOW_PRIVATE_HOSTS: 'true',
    SYNC_RUN_BUDGET_SECONDS: '3600',
    SYNC_NOW_WAIT_SECONDS: '600',
    SUPERADMIN_EMAIL: SUPERADMIN.email,
    SUPERADMIN_PASSWORD: SUPERADMIN.password,
  });
  try {
    const url = await service.listening;
    const api = { http: () => request(url) };
    const desk = new Helpdesk(api, await createTenant(api));
    await desk.connectIncoming({ host: imap.host, imapPort: imap.imapPort } as never, user, 'bench-secret');
    const pid = service.child.pid!;
    const cpuBefore = processCpuSeconds(pid);
    const started = process.hrtime.bigint();
    await desk.start({ from: 'specific-date', date: '2020-01-01' });
    const run = await desk.syncNow();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (run.failed > 0 || run.status !== 'succeeded') {
      throw new Error(`Run ended ${run.status} with ${run.failed} failures`);
    }
    return { seconds, messages: run.fetched, peakRss: peakRss(pid), cpuSeconds: processCpuSeconds(pid) - cpuBefore };
  } finally {
    await service.stop();
  }
}
