import { Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig } from '../config/app-config';
import { NestPinoLogger } from './nest-pino-logger';
import { createRequestLogger } from './request-logger';
import { createRootLogger } from './root-logger';

const ROOT_LOGGER = Symbol('ROOT_LOGGER');
export const REQUEST_LOGGER = Symbol('REQUEST_LOGGER');

/** The root pino logger, Nest's logger over it, and the request-logging middleware (see createApp). */
@Global()
@Module({
  providers: [
    { provide: ROOT_LOGGER, inject: [AppConfig], useFactory: (config: AppConfig) => createRootLogger(config) },
    { provide: NestPinoLogger, inject: [ROOT_LOGGER], useFactory: (root: Logger) => new NestPinoLogger(root) },
    { provide: REQUEST_LOGGER, inject: [ROOT_LOGGER], useFactory: createRequestLogger },
  ],
  exports: [NestPinoLogger, REQUEST_LOGGER],
})
export class LoggingModule {}
