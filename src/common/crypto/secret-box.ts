import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { DomainError } from '../errors/domain-error';
import { ENCRYPTION_KEY_BYTES } from './encryption-key';

/**
 * Sealed secrets look like `v1:<keyId>:<iv>:<ciphertext>:<tag>` (base64url parts): AES-256-GCM with a
 * random 96-bit IV. The key id names the key that sealed it, so a rotation can tell old from new and a
 * wrong key fails with a clear message instead of a bare authentication error.
 */
const FORMAT_VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A short, stable, non-secret fingerprint of a key. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('helpdesk-mail secret-box key id\0').update(key).digest('hex').slice(0, 12);
}

/** The key id a sealed value was made with, or null when it is not in our format. */
export function sealedKeyId(sealed: string): string | null {
  const parts = sealed.split(':');
  return parts.length === 5 && parts[0] === FORMAT_VERSION ? parts[1] : null;
}

/** A stored secret that the configured key cannot open; surfaces as 503 SECRET_UNREADABLE. */
export class SecretUnreadableError extends DomainError {
  constructor(message: string) {
    super('unavailable', 'SECRET_UNREADABLE', message);
  }
}

/**
 * Encrypts secrets for storage. `context` (e.g. the table, column and row id) is bound to the ciphertext
 * as associated data: a sealed value copied to another row or column no longer opens.
 */
export class SecretBox {
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== ENCRYPTION_KEY_BYTES) throw new Error(`A secret box key must be ${ENCRYPTION_KEY_BYTES} bytes`);
    this.keyId = keyIdOf(key);
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(this.associatedData(this.keyId, context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [FORMAT_VERSION, this.keyId, iv, ciphertext, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join(':');
  }

  open(sealed: string, context: string): string {
    const keyId = sealedKeyId(sealed);
    if (keyId === null) throw new SecretUnreadableError('A stored secret is not in a format this version can read');
    if (keyId !== this.keyId) {
      throw new SecretUnreadableError(
        `A stored secret was encrypted with key ${keyId}, but the configured ENCRYPTION_KEY is key ${this.keyId}. ` +
          'Start with the key it was encrypted with, or save the password again.',
      );
    }
    const [, , iv, ciphertext, tag] = sealed.split(':').map((part) => Buffer.from(part, 'base64url'));
    try {
      const decipher = createDecipheriv(ALGORITHM, this.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(this.associatedData(keyId, context));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretUnreadableError('A stored secret failed its integrity check: it was changed or moved');
    }
  }

  /** Whether `sealed` was made with this box's key (a rotation skips those). */
  sealedWithThisKey(sealed: string): boolean {
    return sealedKeyId(sealed) === this.keyId;
  }

  private associatedData(keyId: string, context: string): Buffer {
    return Buffer.from(`${FORMAT_VERSION}:${keyId}:${context}`, 'utf8');
  }
}
