import type { OpenAPIObject } from '@nestjs/swagger';
import { JSON_BODY_LIMIT_BYTES } from './json-body';

const ERROR = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } };

/**
 * Documents the errors of the JSON body reader (useJsonBodies) on every operation that takes a body: it
 * runs before any route, so no controller declares them.
 */
export function documentJsonBodyErrors(document: OpenAPIObject): OpenAPIObject {
  for (const operations of Object.values(document.paths)) {
    for (const operation of [operations.post, operations.put, operations.patch]) {
      if (!operation?.requestBody) continue;
      operation.responses['413'] ??= {
        description: `The body exceeds ${JSON_BODY_LIMIT_BYTES / 1024} KB`,
        content: ERROR,
      };
      operation.responses['415'] ??= { description: 'A body without Content-Type: application/json', content: ERROR };
    }
  }
  return document;
}
