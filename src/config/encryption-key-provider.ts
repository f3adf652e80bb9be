import { Logger, type Provider } from '@nestjs/common';
import {
  decodeKeyFile,
  ENCRYPTION_KEY,
  ENCRYPTION_KEY_BYTES,
  ENCRYPTION_KEY_FILE,
} from '../common/crypto/encryption-key';
import { AppConfig } from './app-config';
import { loadOrCreateSecret } from './generated-secret';

/** ENCRYPTION_KEY from config, or one generated into DATA_DIR on first start (with a warning). */
export const encryptionKeyProvider: Provider = {
  provide: ENCRYPTION_KEY,
  inject: [AppConfig],
  useFactory: (config: AppConfig): Buffer => {
    if (config.encryptionKey) return config.encryptionKey;
    const { value, created } = loadOrCreateSecret(config.dataDir, ENCRYPTION_KEY_FILE, ENCRYPTION_KEY_BYTES);
    if (created) {
      new Logger('Crypto').warn(
        `ENCRYPTION_KEY is not set: generated one into ${config.dataDir}/${ENCRYPTION_KEY_FILE}. ` +
          'Back it up with the database (stored mail passwords cannot be read without it), and set ' +
          'ENCRYPTION_KEY explicitly when running several instances.',
      );
    }
    return decodeKeyFile(config.dataDir, value);
  },
};
