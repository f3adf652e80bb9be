import { Validator } from '@seriousme/openapi-schema-validator';
import { offenders, type OpenApiDocument } from './support/openapi-rules';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * The OpenAPI document is what integrators build against: every route documents its success response
 * with a schema, the errors it can produce and examples (the rules are in test/support/openapi-rules.ts),
 * and the document is valid OpenAPI 3.
 */
describe('OpenAPI document', () => {
  let testApp: TestApp;
  let document: OpenApiDocument;
  beforeAll(async () => {
    testApp = await startTestApp();
    document = (await testApp.http().get('/docs-json').expect(200)).body as OpenApiDocument;
  });
  afterAll(async () => {
    await testApp?.close();
  });

  it('documents for every route a success schema, its error responses and examples', () => {
    expect(Object.keys(document.paths).length).toBeGreaterThan(20);
    expect(offenders(document)).toEqual([]);
  });

  it('names the sync status among its schemas', () => {
    expect(document.components?.schemas).toHaveProperty('SyncStatusResponse');
    expect(document.paths['/api/v1/sync'].get.responses?.['200'].content?.['application/json'].schema).toEqual({
      $ref: '#/components/schemas/SyncStatusResponse',
    });
  });

  it('validates as OpenAPI 3', async () => {
    expect(document.openapi).toMatch(/^3\./);
    const result = await new Validator().validate(structuredClone(document) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);

    // The validator does refuse a broken document: a response without its required description.
    const broken = structuredClone(document) as unknown as {
      paths: Record<string, Record<string, { responses: Record<string, object> }>>;
    };
    broken.paths['/api/v1/sync'].get.responses['200'] = {};
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('the rules catch a route that breaks them', () => {
    const broken: OpenApiDocument = {
      openapi: '3.0.0',
      paths: {
        '/api/v1/things/{id}': {
          post: {
            'x-roles': ['admin'],
            'x-rate-limit': 'things',
            parameters: [{ in: 'path', name: 'id' }],
            requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { a: {} } } } } },
            responses: { '201': { description: 'Created' } },
          },
        },
      },
    } as unknown as OpenApiDocument;
    expect(offenders(broken).sort()).toEqual(
      [
        'no 400',
        'no 401',
        'no 403',
        'no 404',
        'no 413',
        'no 415',
        'no 429',
        'no success response with a schema',
        'request body application/json has no example for body.a',
      ].map((problem) => `POST /api/v1/things/{id}: ${problem}`),
    );
  });
});
