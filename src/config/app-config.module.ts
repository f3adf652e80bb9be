import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ENCRYPTION_KEY } from '../common/crypto/encryption-key';
import { AppConfig } from './app-config';
import { encryptionKeyProvider } from './encryption-key-provider';
import { MESSAGE_ID_SECRET, messageIdSecretProvider } from './message-id-secret';

/**
 * Makes the already-validated AppConfig injectable everywhere, with the secrets derived from it (the
 * Message-ID key, the encryption key that common/crypto's SecretBox is built with). The config is parsed before the
 * module graph is built (see main.ts), so tests can boot apps with different configs side by side.
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppConfigModule,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ ...config })] })],
      providers: [{ provide: AppConfig, useValue: config }, messageIdSecretProvider, encryptionKeyProvider],
      exports: [AppConfig, MESSAGE_ID_SECRET, ENCRYPTION_KEY],
    };
  }
}
