/**
 * The rules every operation of our OpenAPI document must meet, so an integrator can call a route from the
 * document alone. Each rule is read from what the document itself says about the route:
 *
 * - Success: a 2xx response whose content has a schema. A 204 needs none. A download (any media type other
 *   than JSON or text) documents that media type with a binary string schema. A 202 that sends no body (it
 *   documents no content) counts like a 204.
 * - Errors:
 *   - 400 when the route takes a request body, query parameters or path parameters (validation refuses them);
 *   - 413 and 415 when it takes a request body (too large, or sent without a Content-Type);
 *   - 401 unless the route is public (`x-public`);
 *   - 403 when roles restrict it (`x-roles`);
 *   - 404 when a path parameter names a resource (`{id}` or any `…Id`);
 *   - 429 when the route is rate limited (`x-rate-limit`).
 * - Examples: each JSON request body and each success response has an example, either on the media type
 *   (`example`/`examples`) or on every property of its schema (following `$ref`s and array items); an enum's
 *   values serve as its example.
 */

export interface SchemaObject {
  $ref?: string;
  type?: string;
  format?: string;
  example?: unknown;
  examples?: unknown;
  items?: SchemaObject;
  properties?: Record<string, SchemaObject>;
  allOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  anyOf?: SchemaObject[];
  enum?: unknown[];
  default?: unknown;
}

interface MediaType {
  schema?: SchemaObject;
  example?: unknown;
  examples?: unknown;
}

interface Operation {
  'x-public'?: boolean;
  'x-roles'?: string[];
  'x-rate-limit'?: string;
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, MediaType> };
  responses?: Record<string, { content?: Record<string, MediaType> }>;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, SchemaObject> };
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);
const STRUCTURED = /json|^text\//;

/** Every operation of the document with what it breaks, e.g. "GET /api/v1/sync: no 400". */
export function offenders(document: OpenApiDocument): string[] {
  const found: string[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!METHODS.has(method)) continue;
      for (const problem of problems(document, path, operation))
        found.push(`${method.toUpperCase()} ${path}: ${problem}`);
    }
  }
  return found;
}

function problems(document: OpenApiDocument, path: string, operation: Operation): string[] {
  const responses = operation.responses ?? {};
  const found = [...missingErrors(path, operation, Object.keys(responses))];

  const successes = Object.entries(responses).filter(([status]) => /^2\d\d$/.test(status));
  const documented = successes.filter(
    ([status, response]) => bodiless(status, response) || hasSchema(response.content),
  );
  if (documented.length === 0) found.push('no success response with a schema');
  for (const [status, response] of successes) {
    for (const [mediaType, content] of Object.entries(response.content ?? {})) {
      if (!STRUCTURED.test(mediaType)) {
        if (content.schema?.type !== 'string' || content.schema.format !== 'binary') {
          found.push(`${status} ${mediaType} is a download without a binary schema`);
        }
      } else {
        const missing = exampled(document, content);
        if (missing.length) found.push(`${status} ${mediaType} has no example for ${missing.join(', ')}`);
      }
    }
  }
  for (const [mediaType, content] of Object.entries(operation.requestBody?.content ?? {})) {
    const missing = exampled(document, content);
    if (missing.length) found.push(`request body ${mediaType} has no example for ${missing.join(', ')}`);
  }
  return found;
}

function missingErrors(path: string, operation: Operation, statuses: string[]): string[] {
  const needed: string[] = [];
  const parameters = operation.parameters ?? [];
  if (operation.requestBody || parameters.some((parameter) => parameter.in === 'query' || parameter.in === 'path')) {
    needed.push('400');
  }
  if (operation.requestBody) needed.push('413', '415');
  if (!operation['x-public']) needed.push('401');
  if (operation['x-roles']?.length) needed.push('403');
  if (/\{(id|\w+Id)\}/.test(path)) needed.push('404');
  if (operation['x-rate-limit']) needed.push('429');
  return needed.filter((status) => !statuses.includes(status)).map((status) => `no ${status}`);
}

/** A 204, or a 202 that says only "accepted" (it sends no body), has nothing to describe. */
function bodiless(status: string, response: { content?: unknown }): boolean {
  return status === '204' || (status === '202' && response.content === undefined);
}

function hasSchema(content: Record<string, MediaType> | undefined): boolean {
  return Object.values(content ?? {}).some((media) => media.schema !== undefined);
}

function exampled(document: OpenApiDocument, content: MediaType): string[] {
  if (content.example !== undefined || content.examples !== undefined) return [];
  return content.schema ? [...new Set(unexampled(document, content.schema, 'body', new Set()))] : ['body'];
}

/**
 * Where a schema lacks an example: nowhere when it carries one, else wherever its properties (or its
 * items, or its parts) lack one, named like `SyncStatusResponse.totals`.
 */
function unexampled(document: OpenApiDocument, schema: SchemaObject, at: string, seen: Set<string>): string[] {
  // An enum lists its values, which serve as the example (Swagger UI shows the first).
  if (schema.example !== undefined || schema.examples !== undefined || schema.enum) return [];
  if (schema.$ref) {
    if (seen.has(schema.$ref)) return [];
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = document.components?.schemas?.[name];
    return target ? unexampled(document, target, name, new Set([...seen, schema.$ref])) : [name];
  }
  if (schema.items) return unexampled(document, schema.items, `${at}[]`, seen);
  const parts = schema.allOf ?? schema.oneOf ?? schema.anyOf;
  if (parts) return parts.flatMap((part) => unexampled(document, part, at, seen));
  if (schema.properties) {
    return Object.entries(schema.properties).flatMap(([name, property]) =>
      unexampled(document, property, `${at}.${name}`, seen),
    );
  }
  return [at];
}
