import { Logger } from '@nestjs/common';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NestPinoLogger } from './nest-pino-logger';
import { createRequestLogger, type IdentifiedRequest } from './request-logger';
import { createRootLogger } from './root-logger';

type Line = Record<string, unknown> & { req?: { id: string; url: string; headers: Record<string, string> } };

/** A root logger writing JSON lines into an array, as it writes to standard output in production. */
function capture(level: 'info' | 'warn' = 'info') {
  const lines: Line[] = [];
  const root = createRootLogger(
    { logLevel: level, logFormat: 'json' },
    {
      write: (line: string) => lines.push(JSON.parse(line) as Line),
    },
  );
  return { root, lines };
}

describe('logging', () => {
  describe("Nest's Logger over pino", () => {
    afterEach(() => Logger.overrideLogger(false));

    it('writes one JSON line per call with the context, message and error', () => {
      const { root, lines } = capture();
      Logger.overrideLogger(new NestPinoLogger(root));
      const logger = new Logger('SyncRunner');
      logger.log('Run finished');
      logger.error({ err: new Error('IMAP went away'), organizationId: 'org-1' }, 'Run failed');
      logger.warn(new Error('plain error'));
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatchObject({ level: 30, context: 'SyncRunner', msg: 'Run finished' });
      expect(lines[1]).toMatchObject({
        level: 50,
        context: 'SyncRunner',
        msg: 'Run failed',
        organizationId: 'org-1',
        err: { type: 'Error', message: 'IMAP went away', stack: expect.stringContaining('IMAP went away') },
      });
      expect(lines[2]).toMatchObject({ level: 40, err: { message: 'plain error' } });
    });

    it("keeps the stack of Nest's (message, stack, context) error calls", () => {
      const { root, lines } = capture();
      new NestPinoLogger(root).error('Boom', 'Error: Boom\n    at somewhere (file.js:1:1)', 'ExceptionsHandler');
      expect(lines[0]).toMatchObject({
        context: 'ExceptionsHandler',
        err: { message: 'Boom', stack: 'Error: Boom\n    at somewhere (file.js:1:1)' },
      });
    });

    it('writes nothing below the configured level and blanks out secrets', () => {
      const { root, lines } = capture('warn');
      const logger = new NestPinoLogger(root);
      logger.log('chatty', 'Ctx');
      logger.debug('chattier', 'Ctx');
      logger.warn({ settings: { password: 'hunter2' }, token: 'abc' }, 'Saved', 'Ctx');
      expect(lines).toHaveLength(1);
      expect(JSON.stringify(lines[0])).not.toMatch(/hunter2|abc/);
      expect(lines[0]).toMatchObject({ settings: { password: '[redacted]' }, token: '[redacted]' });
    });
  });

  describe('request lines', () => {
    let server: Server;
    let lines: Line[];

    beforeAll(async () => {
      const captured = capture();
      lines = captured.lines;
      const logRequest = createRequestLogger(captured.root);
      server = createServer((req, res) => {
        logRequest(req, res, () => res.end(String((req as IdentifiedRequest).id)));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const get = (path: string, headers: Record<string, string> = {}) =>
      new Promise<string>((resolve, reject) => {
        const { port } = server.address() as AddressInfo;
        request({ host: '127.0.0.1', port, path, headers }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          // The id the request carried (for error bodies) is the one the response announced.
          res.on('end', () => {
            const announced = String(res.headers['x-request-id']);
            if (body === announced) resolve(announced);
            else reject(new Error(`request id ${body}, header ${announced}`));
          });
        })
          .on('error', reject)
          .end();
      });

    it('logs each request with the id the response carries, without its credentials', async () => {
      const id = await get('/api/v1/tickets', { authorization: 'Bearer secret-token', cookie: 'session=1' });
      const line = lines.find((candidate) => candidate.req?.id === id);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(line).toMatchObject({ context: 'HTTP', req: { url: '/api/v1/tickets' }, res: { statusCode: 200 } });
      expect(line?.req?.headers).toMatchObject({ authorization: '[redacted]', cookie: '[redacted]' });
      expect(JSON.stringify(lines)).not.toContain('secret-token');
    });

    it("leaves the OAuth callback's code and state out of its request line", async () => {
      const id = await get('/api/v1/settings/email/oauth/callback?code=secret-code-1&state=secret-state-1');
      const line = lines.find((candidate) => candidate.req?.id === id);
      expect(line).toMatchObject({ req: { url: '/api/v1/settings/email/oauth/callback?[redacted]' } });
      expect(JSON.stringify(lines)).not.toMatch(/secret-code-1|secret-state-1/);
      const other = await get('/api/v1/tickets?q=kept');
      expect(lines.find((candidate) => candidate.req?.id === other)).toMatchObject({
        req: { url: '/api/v1/tickets?q=kept' },
      });
    });

    it("keeps a proxy's well-formed request id and replaces a malformed one", async () => {
      expect(await get('/a', { 'x-request-id': 'edge-1234.abc' })).toBe('edge-1234.abc');
      const replaced = await get('/b', { 'x-request-id': 'bad id\twith spaces' });
      expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('still gives every request an id when request lines are below the level', async () => {
      const quiet = capture('warn');
      const logRequest = createRequestLogger(quiet.root);
      const quietServer = createServer((req, res) => {
        logRequest(req, res, () => res.end(String((req as IdentifiedRequest).id)));
      });
      await new Promise<void>((resolve) => quietServer.listen(0, '127.0.0.1', resolve));
      const previous = server;
      server = quietServer;
      try {
        expect(await get('/x')).toMatch(/^[0-9a-f-]{36}$/);
        expect(await get('/y', { 'x-request-id': 'edge-1' })).toBe('edge-1');
      } finally {
        server = previous;
        await new Promise<void>((resolve) => quietServer.close(() => resolve()));
      }
      expect(quiet.lines).toEqual([]);
    });

    it('does not log health checks', async () => {
      const before = lines.length;
      await get('/health');
      await get('/c');
      expect(lines.slice(before).map((line) => line.req?.url)).toEqual(['/c']);
    });
  });
});
