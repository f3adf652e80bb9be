import type { ArgumentsHost } from '@nestjs/common';
import { HttpExceptionFilter } from '../common/errors/http-exception.filter';
import { poolWaitAsBusy } from './pool-wait';

/** What the filter wrote: status, headers and the JSON body. */
function answer(filter: HttpExceptionFilter, exception: unknown) {
  const written = { status: 0, headers: new Map<string, string>(), body: {} as Record<string, unknown> };
  const response = {
    status: (code: number) => ((written.status = code), response),
    setHeader: (name: string, value: string) => written.headers.set(name, value),
    json: (body: Record<string, unknown>) => (written.body = body),
  };
  const host = {
    switchToHttp: () => ({ getRequest: () => ({ id: 'req-1' }), getResponse: () => response }),
  } as unknown as ArgumentsHost;
  filter.catch(exception, host);
  return written;
}

/** pg-pool's rejection after POOL_WAIT_MS in line, as the error filter sees it. */
const poolWaitTimeout = () => new Error('timeout exceeded when trying to connect');

describe('pool wait timeouts through the HTTP error filter', () => {
  it('answers 503 DATABASE_BUSY with Retry-After when the database module hands the filter its translator', () => {
    const { status, headers, body } = answer(new HttpExceptionFilter([poolWaitAsBusy]), poolWaitTimeout());
    expect(status).toBe(503);
    expect(headers.get('Retry-After')).toBe('5');
    expect(body).toMatchObject({ statusCode: 503, code: 'DATABASE_BUSY', requestId: 'req-1' });
  });

  it('leaves other errors to the filter: a 500 without Retry-After', () => {
    const { status, headers, body } = answer(
      new HttpExceptionFilter([poolWaitAsBusy]),
      new Error('connection refused'),
    );
    expect(status).toBe(500);
    expect(headers.has('Retry-After')).toBe(false);
    expect(body).toMatchObject({ code: 'INTERNAL' });
  });
});
