import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Keeps a well-formed incoming X-Request-Id (from a proxy) so a request can be traced across hops. */
function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** One line per request (not for /health), with its id, which every response also carries. */
export function createRequestLogger(root: Logger): HttpLogger {
  return pinoHttp({
    logger: root,
    genReqId: requestId,
    customProps: () => ({ context: 'HTTP' }),
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' },
  });
}
