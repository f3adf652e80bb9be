import type { IncomingMessage, ServerResponse } from 'node:http';

/** Small HTTP pieces of the test authorization server: form bodies, JSON answers, client credentials. */

/** An OAuth error answer (RFC 6749 section 5.2). */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description?: string,
    /** RFC 6749 5.2: a 401 to a client that used HTTP Basic carries a WWW-Authenticate challenge. */
    readonly basicChallenge = false,
  ) {
    super(description ?? error);
  }
}

export function required(form: URLSearchParams, name: string): string {
  const value = form.get(name);
  if (!value) throw new OAuthError(400, 'invalid_request', `Missing ${name}`);
  return value;
}

export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const type = req.headers['content-type'] ?? '';
  if (chunks.length > 0 && !type.startsWith('application/x-www-form-urlencoded')) {
    throw new OAuthError(400, 'invalid_request', `Expected a form body, got ${type || 'no content type'}`);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

export function sendOAuthError(res: ServerResponse, err: OAuthError): void {
  const headers: Record<string, string> = err.basicChallenge ? { 'www-authenticate': 'Basic realm="test-oauth"' } : {};
  const body = err.description ? { error: err.error, error_description: err.description } : { error: err.error };
  sendJson(res, err.status, body, headers);
}

export interface PresentedClient {
  clientId: string;
  /** Undefined when the client sent none (a public client, or one that forgot it). */
  clientSecret: string | undefined;
  method: 'client_secret_basic' | 'client_secret_post' | 'none';
}

/** RFC 6749 2.3.1: Basic credentials are form-urlencoded before base64, so '+' means a space. */
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/** Who the client says it is, from the Authorization header or the form; undefined when it says nothing. */
export function presentedClient(req: IncomingMessage, form: URLSearchParams): PresentedClient | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Basic ')) {
    if (form.has('client_secret')) {
      throw new OAuthError(400, 'invalid_request', 'Client authenticated by more than one method');
    }
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError(401, 'invalid_client', 'Malformed Basic credentials');
    return {
      clientId: formDecode(decoded.slice(0, colon)),
      clientSecret: formDecode(decoded.slice(colon + 1)),
      method: 'client_secret_basic',
    };
  }
  const clientId = form.get('client_id');
  if (!clientId) return undefined;
  const clientSecret = form.get('client_secret') ?? undefined;
  return { clientId, clientSecret, method: clientSecret === undefined ? 'none' : 'client_secret_post' };
}

/** The bearer token of a userinfo request. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}
