import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'dotenv';
import type { Env } from './parse-config';

/**
 * The one place that reads process.env: the real environment wins over a `.env` file in the working
 * directory, so an operator can override a file value without editing it.
 */
export function readEnvironment(cwd = process.cwd()): Env {
  const file = resolve(cwd, '.env');
  const fromFile = existsSync(file) ? parse(readFileSync(file)) : {};
  return { ...fromFile, ...process.env };
}
