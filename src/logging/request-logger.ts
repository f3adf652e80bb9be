import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * Paths whose query string carries secrets: the OAuth callback gets the authorization code and the
 * state there. Their request lines keep the path and drop the query.
 */
const SECRET_QUERY_PATHS = new Set(['/api/v1/settings/email/oauth/callback']);

/** The URL as logged: without the query string of a path that carries secrets in it. */
export function loggedUrl(url: string): string {
  const mark = url.indexOf('?');
  if (mark === -1 || !SECRET_QUERY_PATHS.has(url.slice(0, mark))) return url;
  return `${url.slice(0, mark)}?[redacted]`;
}

interface SerializedRequest {
  url?: string;
  query?: unknown;
  [key: string]: unknown;
}

/** pino-http's standard request fields, with the URL's secrets (and Express's parsed copy of them) left out. */
function withoutSecretQuery(req: SerializedRequest): SerializedRequest {
  if (typeof req.url !== 'string' || loggedUrl(req.url) === req.url) return req;
  const { query: _secrets, ...rest } = req;
  return { ...rest, url: loggedUrl(req.url) };
}

/** Keeps a well-formed incoming X-Request-Id (from a proxy) so a request can be traced across hops. */
function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** What the middleware leaves on the request: its id, which the error filter puts in error bodies. */
export type IdentifiedRequest = IncomingMessage & { id?: string | number | object };

export type RequestLogger = (req: IdentifiedRequest, res: ServerResponse, next: () => void) => void;

/**
 * One line per request (not for /health), with its id, which every response also carries. When the
 * level leaves request lines out (they are `info`), only the id is given: pino-http would otherwise
 * still build a child logger and its redaction for every request, about 5% of an API request's CPU.
 */
export function createRequestLogger(root: Logger): RequestLogger {
  if (!root.isLevelEnabled('info')) {
    return (req, res, next) => {
      req.id = requestId(req, res);
      next();
    };
  }
  const logRequest = pinoHttp({
    logger: root,
    genReqId: requestId,
    customProps: () => ({ context: 'HTTP' }),
    serializers: { req: withoutSecretQuery },
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' },
  });
  return (req, res, next) => logRequest(req, res, next);
}
