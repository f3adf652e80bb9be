import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { HttpExceptionFilter } from './common/errors/http-exception.filter';
import { poolWaitAsBusy } from './database/pool-wait';
import { securityHeaders } from './common/http/security-headers';
import { useJsonBodies } from './common/http/json-body';
import { createValidationPipe } from './common/http/validation.pipe';
import type { AppConfig } from './config/app-config';
import { REQUEST_LOGGER } from './logging/logging.module';
import { NestPinoLogger } from './logging/nest-pino-logger';
import { HttpMetrics } from './metrics/http-metrics';
import type { RequestLogger } from './logging/request-logger';
import { setupSwagger, SWAGGER_PATH } from './swagger';

export const API_PREFIX = 'api/v1';

/** Builds the fully configured application; main.ts and the e2e tests share it. */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    // Shutdown must not wait for idle keep-alive clients.
    forceCloseConnections: true,
  });
  app.useLogger(app.get(NestPinoLogger));
  // Before Nest's own parsers and routes, so every response, even a 404 or a malformed body, gets an id.
  app.use(app.get<RequestLogger>(REQUEST_LOGGER));
  app.use(app.get(HttpMetrics).middleware);
  app.set('trust proxy', config.trustProxy);
  app.use(
    ...securityHeaders({
      docsPath: `/${SWAGGER_PATH}`,
      httpsPublicUrl: config.publicUrl?.startsWith('https:') ?? false,
    }),
  );
  app.disable('x-powered-by');
  useJsonBodies(app);
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'metrics'] });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter([poolWaitAsBusy]));
  app.enableShutdownHooks();
  setupSwagger(app, { persistAuthorization: config.nodeEnv !== 'production' });
  return app;
}
