import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AppConfig } from './app-config';
import { MESSAGE_ID_SECRET, messageIdSecretProvider } from './message-id-secret';

/**
 * Makes the already-validated AppConfig injectable everywhere. The config is parsed before the
 * module graph is built (see main.ts), so tests can boot apps with different configs side by side.
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppConfigModule,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ ...config })] })],
      providers: [{ provide: AppConfig, useValue: config }, messageIdSecretProvider],
      exports: [AppConfig, MESSAGE_ID_SECRET],
    };
  }
}
