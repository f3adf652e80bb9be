import { PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/**
 * The largest JSON body the API reads. A comment or a ticket body may have 100,000 characters, which
 * is up to 400 KB of UTF-8 (4 bytes a character at most), plus JSON escaping and the other fields.
 */
export const JSON_BODY_LIMIT_BYTES = 512 * 1024;

/**
 * Reads JSON bodies up to JSON_BODY_LIMIT_BYTES. A body without a Content-Type is refused with 415
 * saying so: read as nothing, it used to surface as "property … should not exist" or missing fields.
 */
export function useJsonBodies(app: NestExpressApplication): void {
  app.use((request: Request, _response: Response, next: NextFunction) => {
    const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'];
    if (hasBody && !request.headers['content-type']) {
      return next(
        new UnsupportedMediaTypeException('The request has a body but no Content-Type: send application/json'),
      );
    }
    next();
  });
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT_BYTES });
  // body-parser's own error says "request entity too large": say what the limit is.
  app.use((error: unknown, _request: Request, _response: Response, next: NextFunction) => {
    if ((error as { type?: string } | null)?.type === 'entity.too.large') {
      return next(new PayloadTooLargeException(`The request body exceeds ${JSON_BODY_LIMIT_BYTES / 1024} KB`));
    }
    next(error);
  });
}
