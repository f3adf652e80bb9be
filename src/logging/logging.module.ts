import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppConfig } from '../config/app-config';

/** Paths pino blanks out, wherever they appear in a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.accessToken',
  '*.token',
  '*.secret',
  '*.*.password',
];

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Keeps a well-formed incoming X-Request-Id (from a proxy) so a request can be traced across hops. */
function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const pretty = config.logFormat === 'pretty' || (config.logFormat === 'auto' && process.stdout.isTTY);
        return {
          pinoHttp: {
            level: config.logLevel,
            genReqId: requestId,
            redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
            customProps: () => ({ context: 'HTTP' }),
            autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' },
            ...(pretty ? { transport: { target: 'pino-pretty', options: { singleLine: true } } } : {}),
          },
        };
      },
    }),
  ],
})
export class LoggingModule {}
