import { isAbsolute, resolve } from 'node:path';
import type { AppConfig, LogFormat, LogLevel } from './app-config';

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
  if (password.length < 12) throw new ConfigError('SUPERADMIN_PASSWORD', 'must be at least 12 characters long');
  return { email: email.toLowerCase(), password };
}

function jwtSecret(env: Env): string | null {
  const value = raw(env, 'JWT_SECRET');
  if (value !== undefined && value.length < 32)
    throw new ConfigError('JWT_SECRET', 'must be at least 32 characters long');
  return value ?? null;
}

function publicUrl(env: Env): string | null {
  const value = raw(env, 'PUBLIC_URL');
  if (value === undefined) return null;
  if (!/^https?:\/\/[^\s]+$/.test(value)) throw new ConfigError('PUBLIC_URL', 'must be an http(s) URL');
  return value.replace(/\/+$/, '');
}

/**
 * Validates the environment once, at boot, into a typed object. The first wrong or missing value
 * throws a ConfigError whose message names the variable and what is wrong with it.
 */
export function parseConfig(env: Env, cwd = process.cwd()): AppConfig {
  const dataDir = raw(env, 'DATA_DIR') ?? './data';
  return {
    nodeEnv: oneOf(env, 'NODE_ENV', NODE_ENVS, 'development'),
    host: raw(env, 'HOST') ?? '0.0.0.0',
    port: integer(env, 'PORT', 3000, 0, 65535),
    publicUrl: publicUrl(env),
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(cwd, dataDir),
    databaseUrl: databaseUrl(env),
    superadmin: superadmin(env),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    logFormat: oneOf(env, 'LOG_FORMAT', LOG_FORMATS, 'auto'),
    jwtSecret: jwtSecret(env),
    jwtExpiresInSeconds: integer(env, 'JWT_EXPIRES_IN_SECONDS', 3600, 60, 31 * 24 * 3600),
    trustProxy: boolean(env, 'TRUST_PROXY', false),
    passwordHashCost: integer(env, 'PASSWORD_HASH_COST', 12, 4, 15),
    loginRateLimit: {
      windowSeconds: integer(env, 'LOGIN_RATE_WINDOW_SECONDS', 900, 1, 86400),
      maxPerIp: integer(env, 'LOGIN_MAX_ATTEMPTS_PER_IP', 30, 1, 100000),
      maxPerAccount: integer(env, 'LOGIN_MAX_ATTEMPTS_PER_ACCOUNT', 5, 1, 100000),
    },
  };
}
