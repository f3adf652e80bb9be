import { Module, type Provider } from '@nestjs/common';
import { ENCRYPTION_KEY } from './encryption-key';
import { SecretBox } from './secret-box';

/** The box opens with the key the application provides under ENCRYPTION_KEY (the config module does). */
const secretBoxProvider: Provider = {
  provide: SecretBox,
  inject: [ENCRYPTION_KEY],
  useFactory: (key: Buffer): SecretBox => new SecretBox(key),
};

/** Seals and opens secrets stored in the database (mail passwords). */
@Module({ providers: [secretBoxProvider], exports: [SecretBox] })
export class CryptoModule {}
