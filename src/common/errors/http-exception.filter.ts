import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, ErrorKind, ServiceBusyError, TooManyRequestsError } from './domain-error';
import type { ErrorResponse } from './error-response';

const STATUS_BY_KIND: Record<ErrorKind, number> = {
  validation: HttpStatus.BAD_REQUEST,
  unauthorized: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  'not-found': HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  'too-many-requests': HttpStatus.TOO_MANY_REQUESTS,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
};

function reasonPhrase(status: number): string {
  const name = HttpStatus[status] as string | undefined;
  return name
    ? name.toLowerCase().replace(/(^|_)(\w)/g, (_, sep: string, c: string) => (sep ? ' ' : '') + c.toUpperCase())
    : 'Error';
}

function messageOf(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

/** Keeps structured bodies such as the health check's per-indicator report. */
function detailsOf(exception: HttpException): { details?: unknown } {
  const body = exception.getResponse();
  return typeof body === 'object' && body !== null && 'status' in body ? { details: body } : {};
}

/**
 * Recognizes an error that is not a DomainError (e.g. a database driver's) and says which DomainError it
 * means; null when it is not one it knows. The modules that know such errors hand the filter theirs, so
 * common never imports them.
 */
export type ErrorTranslator = (exception: unknown) => DomainError | null;

/** Maps every thrown thing to the one ErrorResponse shape, with the request id. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  constructor(private readonly translators: readonly ErrorTranslator[] = []) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<Request & { id?: string | number }>();
    const response = context.getResponse<Response>();
    const error = this.translate(exception);
    const body = this.toResponse(error, String(request.id ?? ''));
    if (error instanceof TooManyRequestsError || error instanceof ServiceBusyError) {
      response.setHeader('Retry-After', String(error.retryAfterSeconds));
    }
    response.status(body.statusCode).json(body);
  }

  private translate(exception: unknown): unknown {
    for (const translate of this.translators) {
      const translated = translate(exception);
      if (translated) return translated;
    }
    return exception;
  }

  private toResponse(exception: unknown, requestId: string): ErrorResponse {
    if (exception instanceof DomainError) {
      const statusCode = STATUS_BY_KIND[exception.kind];
      return {
        statusCode,
        error: reasonPhrase(statusCode),
        message: exception.message,
        code: exception.code,
        requestId,
        ...(exception.details === undefined ? {} : { details: exception.details }),
      };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      return {
        statusCode,
        error: reasonPhrase(statusCode),
        message: messageOf(exception),
        code: CODE_BY_STATUS[statusCode] ?? 'HTTP_ERROR',
        requestId,
        ...detailsOf(exception),
      };
    }
    this.logger.error({ err: exception, requestId }, 'Unhandled error');
    return {
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Something went wrong on our side; the request id helps the operator find it in the logs',
      code: 'INTERNAL',
      requestId,
    };
  }
}
