import { Logger, Provider } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { loadOrCreateSecret } from '../config/generated-secret';

export const JWT_SECRET = Symbol('JWT_SECRET');

/** JWT_SECRET from config, or one generated into DATA_DIR on first start (with a warning). */
export const jwtSecretProvider: Provider = {
  provide: JWT_SECRET,
  inject: [AppConfig],
  useFactory: (config: AppConfig): string => {
    if (config.jwtSecret) return config.jwtSecret;
    const { value, created } = loadOrCreateSecret(config.dataDir, 'jwt-secret');
    if (created) {
      new Logger('Auth').warn(
        `JWT_SECRET is not set: generated one into ${config.dataDir}/jwt-secret; set it explicitly when running several instances`,
      );
    }
    return value;
  },
};
