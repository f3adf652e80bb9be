import { Logger, Provider } from '@nestjs/common';
import { AppConfig } from './app-config';
import { loadOrCreateSecret } from './generated-secret';

export const MESSAGE_ID_SECRET = Symbol('MESSAGE_ID_SECRET');

/**
 * The key that signs our outgoing Message-IDs (the mailer) and checks references to them (sync).
 * From MESSAGE_ID_SECRET, or generated into DATA_DIR on first start.
 */
export const messageIdSecretProvider: Provider = {
  provide: MESSAGE_ID_SECRET,
  inject: [AppConfig],
  useFactory: (config: AppConfig): string => {
    if (config.messageIdSecret) return config.messageIdSecret;
    const { value, created } = loadOrCreateSecret(config.dataDir, 'message-id-secret');
    if (created) {
      new Logger('Config').warn(
        `MESSAGE_ID_SECRET is not set: generated one into ${config.dataDir}/message-id-secret; set it explicitly when running several instances`,
      );
    }
    return value;
  },
};
