import type { ValueTransformer } from 'typeorm';

/**
 * For bigint columns holding values that fit in a JS number (IMAP UIDs go up to 2^32 - 1, past a
 * PostgreSQL int); the pg driver returns bigints as strings.
 */
export const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
