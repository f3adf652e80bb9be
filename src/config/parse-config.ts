import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { passwordProblems } from '../../libs/passwords/password-policy';
import { decodeEncryptionKey } from '../common/crypto/encryption-key';
import type { AppConfig, LogFormat, LogLevel } from './app-config';
import { isHostName } from './host-name';
import { parseSystemSmtpUrl } from './system-smtp-url';

/** Thrown when an environment variable is missing or wrong; its message names the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty', 'auto'];
const NODE_ENVS = ['development', 'production', 'test'] as const;

function raw(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

/**
 * Mail content is processed on worker threads only, under a per-message deadline: at least one, so a
 * hostile message never holds the main thread (and every tenant's requests) up. More pay only when cores
 * are left over after the main thread and the database (or IMAP server): one per further core, at most 2.
 */
function defaultParseWorkers(): number {
  return Math.min(2, Math.max(1, availableParallelism() - 2));
}

/**
 * A worker module loaded into each content worker before it processes mail, to make a message spin on
 * purpose in the end-to-end tests of the deadline. Code loaded by path: refused unless NODE_ENV=test.
 */
function testWorkerHook(env: Env): string | null {
  const value = raw(env, 'SYNC_TEST_WORKER_HOOK');
  if (value === undefined) return null;
  if (raw(env, 'NODE_ENV') !== 'test')
    throw new ConfigError('SYNC_TEST_WORKER_HOOK', 'is only allowed with NODE_ENV=test');
  if (!isAbsolute(value)) throw new ConfigError('SYNC_TEST_WORKER_HOOK', 'must be an absolute path');
  return value;
}

/** Bytes of stored mail per organization; unset or 0 means no limit. */
function storageQuota(env: Env): number | null {
  const value = integer(env, 'STORAGE_QUOTA_BYTES', 0, 0, Number.MAX_SAFE_INTEGER);
  return value === 0 ? null : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max} (got "${value}")`);
  }
  return Number(value);
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const value = raw(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (['true', '1', 'yes'].includes(value)) return true;
  if (['false', '0', 'no'].includes(value)) return false;
  throw new ConfigError(name, `must be true or false (got "${value}")`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${value}")`);
  }
  return value as T;
}

function databaseUrl(env: Env): string | null {
  const value = raw(env, 'DATABASE_URL');
  if (value === undefined) return null;
  if (!/^postgres(ql)?:\/\//.test(value)) {
    throw new ConfigError('DATABASE_URL', 'must be a postgres:// or postgresql:// URL');
  }
  return value;
}

function superadmin(env: Env): AppConfig['superadmin'] {
  const email = raw(env, 'SUPERADMIN_EMAIL');
  const password = raw(env, 'SUPERADMIN_PASSWORD');
  if (email === undefined && password === undefined) return null;
  if (email === undefined) throw new ConfigError('SUPERADMIN_EMAIL', 'must be set when SUPERADMIN_PASSWORD is set');
  if (password === undefined) throw new ConfigError('SUPERADMIN_PASSWORD', 'must be set when SUPERADMIN_EMAIL is set');
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new ConfigError('SUPERADMIN_EMAIL', 'must be an email address');
  const problems = passwordProblems(password, email);
  if (problems.length > 0) throw new ConfigError('SUPERADMIN_PASSWORD', problems.join('; '));
  return { email: email.toLowerCase(), password };
}

function jwtSecret(env: Env): string | null {
  const value = raw(env, 'JWT_SECRET');
  if (value !== undefined && value.length < 32)
    throw new ConfigError('JWT_SECRET', 'must be at least 32 characters long');
  return value ?? null;
}

function messageIdSecret(env: Env): string | null {
  const value = raw(env, 'MESSAGE_ID_SECRET');
  if (value !== undefined && value.length < 32) {
    throw new ConfigError('MESSAGE_ID_SECRET', 'must be at least 32 characters long');
  }
  return value ?? null;
}

function publicUrl(env: Env): string | null {
  const value = raw(env, 'PUBLIC_URL');
  if (value === undefined) return null;
  if (!/^https?:\/\/[^\s]+$/.test(value)) throw new ConfigError('PUBLIC_URL', 'must be an http(s) URL');
  return value.replace(/\/+$/, '');
}

function systemSmtp(env: Env): AppConfig['systemSmtp'] {
  const value = raw(env, 'SYSTEM_SMTP_URL');
  if (value === undefined) return null;
  const parsed = parseSystemSmtpUrl(value);
  // The problem only: the URL holds a password and must not reach the console.
  if (typeof parsed === 'string') throw new ConfigError('SYSTEM_SMTP_URL', parsed);
  return parsed;
}

function encryptionKey(env: Env): Buffer | null {
  const value = raw(env, 'ENCRYPTION_KEY');
  if (value === undefined) return null;
  try {
    return decodeEncryptionKey(value);
  } catch (err) {
    throw new ConfigError('ENCRYPTION_KEY', (err as Error).message);
  }
}

function isAllowedHostEntry(entry: string): boolean {
  const [network, prefix, ...rest] = entry.split('/');
  if (rest.length > 0) return false;
  if (prefix === undefined) return isIP(network) !== 0 || isHostName(network);
  const max = isIP(network) === 4 ? 32 : isIP(network) === 6 ? 128 : -1;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= max;
}

/** Host names, addresses and CIDRs that mail settings may point at even when they are private. */
function allowedHosts(env: Env): string[] {
  const entries = (raw(env, 'MAIL_ALLOWED_HOSTS') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const invalid = entries.find((entry) => !isAllowedHostEntry(entry));
  if (invalid !== undefined) {
    throw new ConfigError(
      'MAIL_ALLOWED_HOSTS',
      `must list host names, addresses or CIDRs (e.g. mail.internal,10.1.0.0/16), separated by commas (got "${invalid}")`,
    );
  }
  return entries;
}

/**
 * Runs take at most one pooled connection each at a time (for a batch's transaction), so capping them
 * below the pool leaves the rest to the API: by default half the pool. On SQLite there is one
 * connection and no pool; the same default keeps the number of open mail sessions sane.
 */
function syncConcurrency(env: Env, poolSize: number, postgres: boolean): number {
  const concurrency = integer(env, 'SYNC_CONCURRENCY', Math.max(1, Math.floor(poolSize / 2)), 1, 1000);
  if (postgres && concurrency >= poolSize) {
    throw new ConfigError(
      'SYNC_CONCURRENCY',
      `must be below DATABASE_POOL_SIZE (${poolSize}), or sync runs could leave the API no connection`,
    );
  }
  return concurrency;
}

/**
 * The notification sender. Its claims are short leases renewed while it sends (every third of the
 * lease), so a send may take longer than the lease, and a dead instance's claims lapse within one.
 */
function notifications(env: Env): AppConfig['notifications'] {
  const retryBaseMs = integer(env, 'NOTIFY_RETRY_BASE_MS', 30_000, 10, 86_400_000);
  const retryMaxMs = integer(env, 'NOTIFY_RETRY_MAX_MS', 900_000, 10, 7 * 86_400_000);
  if (retryMaxMs < retryBaseMs) {
    throw new ConfigError('NOTIFY_RETRY_MAX_MS', `must not be below NOTIFY_RETRY_BASE_MS (${retryBaseMs})`);
  }
  const leaseSeconds = integer(env, 'NOTIFY_LEASE_SECONDS', 30, 3, 86_400);
  return {
    senderEnabled: boolean(env, 'NOTIFY_SENDER_ENABLED', true),
    pollIntervalMs: integer(env, 'NOTIFY_POLL_INTERVAL_MS', 1_000, 10, 600_000),
    batchSize: integer(env, 'NOTIFY_BATCH_SIZE', 100, 1, 1_000),
    poolConnections: integer(env, 'NOTIFY_POOL_CONNECTIONS', 3, 1, 50),
    retryBaseMs,
    retryMaxMs,
    maxAttempts: integer(env, 'NOTIFY_MAX_ATTEMPTS', 20, 1, 1_000),
    leaseMs: leaseSeconds * 1000,
    loopLimit: integer(env, 'NOTIFY_LOOP_LIMIT', 10, 1, 100_000),
    loopWindowSeconds: integer(env, 'NOTIFY_LOOP_WINDOW_SECONDS', 600, 1, 7 * 86_400),
  };
}

function alerts(env: Env): AppConfig['alerts'] {
  return {
    syncFailures: integer(env, 'ALERT_SYNC_FAILURES', 3, 1, 1000),
    outboxMaxAgeSeconds: integer(env, 'ALERT_OUTBOX_MAX_AGE_SECONDS', 1800, 1, 7 * 86_400),
    outboxFailures: integer(env, 'ALERT_OUTBOX_FAILURES', 5, 1, 100_000),
    checkIntervalSeconds: integer(env, 'ALERT_CHECK_INTERVAL_SECONDS', 60, 1, 86_400),
  };
}

/** `GET /metrics`: a bearer token on the API's port, a port of its own on loopback, both, or neither (404). */
function metrics(env: Env, port: number): AppConfig['metrics'] {
  const token = raw(env, 'METRICS_TOKEN') ?? null;
  if (token !== null && token.length < 16)
    throw new ConfigError('METRICS_TOKEN', 'must be at least 16 characters long');
  const metricsPort = integer(env, 'METRICS_PORT', 0, 1, 65535) || null;
  if (metricsPort !== null && metricsPort === port) {
    throw new ConfigError('METRICS_PORT', `must differ from PORT (${port}): it is a listener of its own`);
  }
  return { token, port: metricsPort, perOrganization: boolean(env, 'METRICS_PER_ORGANIZATION', false) };
}

/** A tenant id, a verified domain, or one of Microsoft's audiences (`organizations`, `common`). */
const MICROSOFT_TENANT = /^[A-Za-z0-9][A-Za-z0-9.-]{0,254}$/;

/** A client id and secret: both or neither, so a half-configured app fails at boot, not at connect. */
function clientCredentials(
  env: Env,
  idName: string,
  secretName: string,
): { clientId: string; clientSecret: string } | null {
  const clientId = raw(env, idName);
  const clientSecret = raw(env, secretName);
  if (clientId === undefined && clientSecret === undefined) return null;
  if (clientId === undefined) throw new ConfigError(idName, `must be set when ${secretName} is set`);
  if (clientSecret === undefined) throw new ConfigError(secretName, `must be set when ${idName} is set`);
  if (/\s/.test(clientId)) throw new ConfigError(idName, 'must not contain spaces');
  return { clientId, clientSecret };
}

/**
 * The platform's own OAuth app registrations (OAUTH_*), offered to every organization that brings none.
 * Their redirect URI is built from PUBLIC_URL, so it must be set with them.
 */
function oauth(env: Env, publicUrl: string | null): AppConfig['oauth'] {
  const tenant = raw(env, 'OAUTH_MICROSOFT_TENANT') ?? 'organizations';
  if (!MICROSOFT_TENANT.test(tenant)) {
    throw new ConfigError('OAUTH_MICROSOFT_TENANT', 'must be a tenant id, a domain, or organizations / common');
  }
  const microsoft = clientCredentials(env, 'OAUTH_MICROSOFT_CLIENT_ID', 'OAUTH_MICROSOFT_CLIENT_SECRET');
  const google = clientCredentials(env, 'OAUTH_GOOGLE_CLIENT_ID', 'OAUTH_GOOGLE_CLIENT_SECRET');
  if ((microsoft !== null || google !== null) && publicUrl === null) {
    throw new ConfigError('PUBLIC_URL', 'must be set with the OAUTH_* client ids: the redirect URI is built from it');
  }
  return { microsoft: microsoft === null ? null : { ...microsoft, tenant }, google };
}

/**
 * Validates the environment once, at boot, into a typed object. The first wrong or missing value
 * throws a ConfigError whose message names the variable and what is wrong with it.
 */
export function parseConfig(env: Env, cwd = process.cwd()): AppConfig {
  const dataDir = raw(env, 'DATA_DIR') ?? './data';
  const connectTimeoutMs = integer(env, 'MAIL_CONNECT_TIMEOUT_MS', 15_000, 100, 300_000);
  const database = databaseUrl(env);
  const databasePoolSize = integer(env, 'DATABASE_POOL_SIZE', 10, 2, 1000);
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const publicBase = publicUrl(env);
  return {
    nodeEnv: oneOf(env, 'NODE_ENV', NODE_ENVS, 'development'),
    host: raw(env, 'HOST') ?? '0.0.0.0',
    port,
    publicUrl: publicBase,
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(cwd, dataDir),
    databaseUrl: database,
    databasePoolSize,
    superadmin: superadmin(env),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    logFormat: oneOf(env, 'LOG_FORMAT', LOG_FORMATS, 'auto'),
    jwtSecret: jwtSecret(env),
    jwtExpiresInSeconds: integer(env, 'JWT_EXPIRES_IN_SECONDS', 3600, 60, 31 * 24 * 3600),
    trustProxy: boolean(env, 'TRUST_PROXY', false),
    passwordHashCost: integer(env, 'PASSWORD_HASH_COST', 12, 4, 15),
    messageIdSecret: messageIdSecret(env),
    sync: {
      minIntervalSeconds: integer(env, 'SYNC_MIN_INTERVAL_SECONDS', 60, 1, 86400),
      batchSize: integer(env, 'SYNC_BATCH_SIZE', 200, 1, 5000),
      maxMessageBytes: integer(env, 'SYNC_MAX_MESSAGE_BYTES', 25 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
      runBudgetSeconds: integer(env, 'SYNC_RUN_BUDGET_SECONDS', 600, 1, 86400),
      maxBackoffSeconds: integer(env, 'SYNC_MAX_BACKOFF_SECONDS', 3600, 1, 86400),
      nowWaitSeconds: integer(env, 'SYNC_NOW_WAIT_SECONDS', 25, 0, 600),
      parseWorkers: integer(env, 'SYNC_PARSE_WORKERS', defaultParseWorkers(), 1, 16),
      streamMessageBytes: integer(env, 'SYNC_STREAM_MESSAGE_BYTES', 4 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
      concurrency: syncConcurrency(env, databasePoolSize, database !== null),
      leaseSeconds: integer(env, 'SYNC_LEASE_SECONDS', 60, 3, 3600),
      messageDeadlineMs: integer(env, 'SYNC_MESSAGE_DEADLINE_MS', 5_000, 100, 600_000),
      limits: {
        maxHeaderBytes: integer(env, 'SYNC_MAX_HEADER_BYTES', 1024 * 1024, 1024, 16 * 1024 * 1024),
        maxMimeDepth: integer(env, 'SYNC_MAX_MIME_DEPTH', 20, 1, 1000),
        maxParts: integer(env, 'SYNC_MAX_MIME_PARTS', 1000, 1, 100_000),
        maxAttachments: integer(env, 'SYNC_MAX_ATTACHMENTS', 250, 0, 100_000),
      },
      storageQuotaBytes: storageQuota(env),
      testWorkerHook: testWorkerHook(env),
    },
    loginRateLimit: {
      windowSeconds: integer(env, 'LOGIN_RATE_WINDOW_SECONDS', 900, 1, 86400),
      maxPerIp: integer(env, 'LOGIN_MAX_ATTEMPTS_PER_IP', 30, 1, 100000),
      maxPerAccount: integer(env, 'LOGIN_MAX_ATTEMPTS_PER_ACCOUNT', 5, 1, 100000),
      accountCeiling: integer(env, 'LOGIN_ACCOUNT_CEILING', 50, 1, 1000000),
    },
    systemSmtp: systemSmtp(env),
    organizationRateLimit: {
      windowSeconds: integer(env, 'ORG_RATE_WINDOW_SECONDS', 300, 1, 86400),
      mailTests: integer(env, 'ORG_RATE_MAIL_TESTS', 20, 1, 100000),
      verify: integer(env, 'ORG_RATE_VERIFY', 5, 1, 100000),
      syncNow: integer(env, 'ORG_RATE_SYNC_NOW', 10, 1, 100000),
    },
    audit: { retentionDays: integer(env, 'AUDIT_RETENTION_DAYS', 365, 1, 36_500) },
    encryptionKey: encryptionKey(env),
    mail: {
      connect: {
        timeoutMs: connectTimeoutMs,
        policy: {
          // On by default only when development is asked for explicitly: an unset NODE_ENV also means
          // development, and a forgotten NODE_ENV must not open the server's own network to tenants.
          allowPrivate: boolean(env, 'MAIL_ALLOW_PRIVATE_HOSTS', raw(env, 'NODE_ENV') === 'development'),
          allowedHosts: allowedHosts(env),
        },
      },
      verifyTimeoutMs: integer(env, 'MAIL_VERIFY_TIMEOUT_MS', 30_000, 1_000, 600_000),
    },
    push: {
      enabled: boolean(env, 'PUSH_ENABLED', true),
      pollIntervalMs: integer(env, 'PUSH_POLL_INTERVAL_SECONDS', 30, 1, 3600) * 1000,
      loginsPerSecond: integer(env, 'PUSH_LOGINS_PER_SECOND', 20, 1, 1000),
      leaseMs: integer(env, 'PUSH_LEASE_SECONDS', 30, 3, 3600) * 1000,
      claimIntervalMs: integer(env, 'PUSH_CLAIM_INTERVAL_SECONDS', 10, 1, 3600) * 1000,
    },
    notifications: notifications(env),
    alerts: alerts(env),
    metrics: metrics(env, port),
    oauth: oauth(env, publicBase),
  };
}
