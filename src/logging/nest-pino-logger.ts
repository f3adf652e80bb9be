import type { LoggerService } from '@nestjs/common';
import type { Level, Logger } from 'pino';

/**
 * Nest's LoggerService over the root pino logger. `new Logger('Context').error({ err }, 'text')` and
 * `.log('text')` both become one JSON line with a `context` field; Nest's own contract (message, then
 * a stack, then the context last) is honoured too.
 *
 * Deliberately without per-request logger binding: that needs AsyncLocalStorage, which on Node 20
 * installs promise hooks for the whole process and cost about a tenth of the CPU of every API request.
 * Request lines carry the request id; an error answered with 500 logs it explicitly.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly root: Logger) {}

  verbose(message: unknown, ...optional: unknown[]): void {
    this.write('trace', message, optional);
  }

  debug(message: unknown, ...optional: unknown[]): void {
    this.write('debug', message, optional);
  }

  log(message: unknown, ...optional: unknown[]): void {
    this.write('info', message, optional);
  }

  warn(message: unknown, ...optional: unknown[]): void {
    this.write('warn', message, optional);
  }

  error(message: unknown, ...optional: unknown[]): void {
    this.write('error', message, optional);
  }

  fatal(message: unknown, ...optional: unknown[]): void {
    this.write('fatal', message, optional);
  }

  private write(level: Level, message: unknown, optional: unknown[]): void {
    if (!this.root.isLevelEnabled(level)) return;
    // Nest passes the context as the last optional parameter.
    const fields: Record<string, unknown> = optional.length > 0 ? { context: optional[optional.length - 1] } : {};
    const rest = optional.slice(0, -1);
    if (message instanceof Error) {
      this.root[level]({ ...fields, err: message }, ...(rest as []));
    } else if (typeof message === 'object' && message !== null) {
      this.root[level]({ ...fields, ...message }, ...(rest as []));
    } else if (level === 'error' && rest.length === 1 && typeof rest[0] === 'string' && /\n\s*at /.test(rest[0])) {
      // Nest's exception handler: (message, stack, context).
      const err = new Error(String(message));
      err.stack = rest[0];
      this.root[level]({ ...fields, err });
    } else {
      this.root[level](fields, String(message), ...(rest as []));
    }
  }
}
