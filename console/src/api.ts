// The one way the console talks to the server: JSON over /api/v1 with the bearer token in a header.
// A 401 ends the session (the token is forgotten and the sign-in screen shows why).
import { clearSession, getToken } from './session';

export interface FieldError {
  field: string;
  messages: string[];
}

/** The API's error shape: {statusCode, error, message, code, requestId, details?}. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
    readonly retryAfter: string | null,
  ) {
    super(message);
  }

  /** Validation errors by field name (`details` of a 400 VALIDATION_FAILED). */
  fieldErrors(): Record<string, string> {
    const fields: Record<string, string> = {};
    if (Array.isArray(this.details)) {
      for (const item of this.details as FieldError[]) {
        if (item && typeof item.field === 'string') fields[item.field] = (item.messages ?? []).join('; ');
      }
    }
    return fields;
  }
}

const PREFIX = '/api/v1';

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(PREFIX + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'omit',
    cache: 'no-store',
  });
  if (response.ok) return response;
  const payload = (await response.json().catch(() => ({}))) as {
    code?: string;
    message?: string | string[];
    details?: unknown;
  };
  const message = Array.isArray(payload.message)
    ? payload.message.join('; ')
    : (payload.message ?? response.statusText);
  const error = new ApiError(
    response.status,
    payload.code ?? String(response.status),
    message,
    payload.details,
    response.headers.get('Retry-After'),
  );
  if (response.status === 401 && token) clearSession('Your session ended. Sign in again.');
  throw error;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await send(method, path, body);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** Downloads a protected file (attachment, raw message) without putting the token in a URL. */
export async function download(path: string, filename: string): Promise<void> {
  const blob = await (await send('GET', path)).blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A message for any failure: the API's own words, or a network problem. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403) return 'You do not have access to this.';
    if (error.status === 429) {
      return `Too many attempts. Try again${error.retryAfter ? ` in ${error.retryAfter} seconds` : ' later'}.`;
    }
    return error.message;
  }
  return 'The server could not be reached. Check your connection and try again.';
}
