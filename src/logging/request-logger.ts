import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

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
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' },
  });
  return (req, res, next) => logRequest(req, res, next);
}
