/** What a secret's value becomes in the audit log: it was set, and nothing more. */
export const MASK = '••••';

/** Field names that are masked wherever they appear, listed by the route or not: safe by default. */
const SECRET_NAME = /(password|secret|token|api-?key)$/i;

/** Longer text (a template body) is kept to its start: the log says what changed, not a copy of it. */
const MAX_TEXT = 500;
const MAX_DEPTH = 4;

export type AuditValue = string | number | boolean | null | AuditValue[] | { [key: string]: AuditValue };
export type AuditChanges = Record<string, AuditValue>;

/**
 * The fields a request set, as the audit log keeps them: secrets (the route's `secrets` paths and any
 * field named like one) replaced by MASK, long text cut, nesting bounded. Null when there is nothing.
 */
export function maskedChanges(body: unknown, secrets: readonly string[]): AuditChanges | null {
  if (!isRecord(body)) return null;
  const masked = maskRecord(body, new Set(secrets), '', 0);
  return Object.keys(masked).length > 0 ? masked : null;
}

function maskRecord(
  record: Record<string, unknown>,
  secrets: ReadonlySet<string>,
  prefix: string,
  depth: number,
): AuditChanges {
  const out: AuditChanges = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    out[key] = secrets.has(path) || SECRET_NAME.test(key) ? MASK : maskValue(value, secrets, path, depth + 1);
  }
  return out;
}

function maskValue(value: unknown, secrets: ReadonlySet<string>, path: string, depth: number): AuditValue {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value;
  if (depth > MAX_DEPTH) return '…';
  if (Array.isArray(value)) return value.map((item) => maskValue(item, secrets, path, depth + 1));
  if (isRecord(value)) return maskRecord(value, secrets, path, depth);
  return String(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
