import { join } from 'node:path';
import { decodeKeyFile, ENCRYPTION_KEY_BYTES, ENCRYPTION_KEY_FILE } from '../common/crypto/encryption-key';
import type { AppConfig } from './app-config';
import { loadOrCreateSecret } from './generated-secret';

/** The secrets every instance on one database must share. */
export type SecretVariable = 'ENCRYPTION_KEY' | 'JWT_SECRET' | 'MESSAGE_ID_SECRET';

export interface SecretSource {
  variable: SecretVariable;
  /** The secret's bytes, as the code that uses it takes them. */
  key: Buffer;
  /** The file it was generated into when the variable is unset; null when it comes from the variable. */
  generatedInto: string | null;
}

/**
 * Each shared secret, from its variable or from the file generated into DATA_DIR (created here when
 * missing, the same way and with the same value as its provider would: see loadOrCreateSecret).
 */
export function secretSources(config: AppConfig): SecretSource[] {
  const generated = (variable: SecretVariable, file: string, bytes?: number) => {
    const { value } = loadOrCreateSecret(config.dataDir, file, bytes);
    const key = variable === 'ENCRYPTION_KEY' ? decodeKeyFile(config.dataDir, value) : Buffer.from(value);
    return { variable, key, generatedInto: join(config.dataDir, file) };
  };
  return [
    config.encryptionKey
      ? { variable: 'ENCRYPTION_KEY', key: config.encryptionKey, generatedInto: null }
      : generated('ENCRYPTION_KEY', ENCRYPTION_KEY_FILE, ENCRYPTION_KEY_BYTES),
    config.jwtSecret
      ? { variable: 'JWT_SECRET', key: Buffer.from(config.jwtSecret), generatedInto: null }
      : generated('JWT_SECRET', 'jwt-secret'),
    config.messageIdSecret
      ? { variable: 'MESSAGE_ID_SECRET', key: Buffer.from(config.messageIdSecret), generatedInto: null }
      : generated('MESSAGE_ID_SECRET', 'message-id-secret'),
  ];
}
