import { Logger, Module, type Provider } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { loadOrCreateSecret } from '../../config/generated-secret';
import { decodeKeyFile, ENCRYPTION_KEY_BYTES, ENCRYPTION_KEY_FILE } from './encryption-key';
import { SecretBox } from './secret-box';

/** ENCRYPTION_KEY from config, or one generated into DATA_DIR on first start (with a warning). */
const secretBoxProvider: Provider = {
  provide: SecretBox,
  inject: [AppConfig],
  useFactory: (config: AppConfig): SecretBox => {
    if (config.encryptionKey) return new SecretBox(config.encryptionKey);
    const { value, created } = loadOrCreateSecret(config.dataDir, ENCRYPTION_KEY_FILE, ENCRYPTION_KEY_BYTES);
    if (created) {
      new Logger('Crypto').warn(
        `ENCRYPTION_KEY is not set: generated one into ${config.dataDir}/${ENCRYPTION_KEY_FILE}. ` +
          'Back it up with the database (stored mail passwords cannot be read without it), and set ' +
          'ENCRYPTION_KEY explicitly when running several instances.',
      );
    }
    return new SecretBox(decodeKeyFile(config.dataDir, value));
  },
};

/** Seals and opens secrets stored in the database (mail passwords). */
@Module({ providers: [secretBoxProvider], exports: [SecretBox] })
export class CryptoModule {}
