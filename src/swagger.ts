import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { documentJsonBodyErrors } from './common/http/json-body-docs';

export const SWAGGER_PATH = 'docs';

/**
 * Swagger UI at /docs and the OpenAPI JSON at /docs-json; Authorize takes the bearer token. Keeping the
 * token across reloads (persistAuthorization, in localStorage) is a development comfort; in production a
 * token left in the browser's storage outlives the session, so it is off.
 */
export function setupSwagger(app: INestApplication, options: { persistAuthorization: boolean }): void {
  const document = documentJsonBodyErrors(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('helpdesk-mail')
        .setDescription(
          'Email-to-ticket helpdesk. Log in with POST /api/v1/auth/login, then press Authorize and paste the accessToken. ' +
            'Roles: superadmin (platform: organizations), admin (an organization: settings, sync, users), agent (tickets).',
        )
        .setVersion('1')
        .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
        .build(),
    ),
  );
  SwaggerModule.setup(SWAGGER_PATH, app, document, {
    jsonDocumentUrl: `${SWAGGER_PATH}-json`,
    swaggerOptions: { persistAuthorization: options.persistAuthorization },
  });
}
