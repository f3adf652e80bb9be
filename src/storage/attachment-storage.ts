import type { Readable } from 'node:stream';

export interface StoredContent {
  /** SHA-256 of the content, lower-case hex: the content's address. */
  key: string;
  size: number;
}

/**
 * Where attachment bytes live. Content-addressed: the key is the SHA-256 of the bytes, so storing
 * the same file twice keeps one copy and a key never changes meaning. Injected by this abstract
 * class, so an object store can replace the filesystem implementation without touching callers.
 */
export abstract class AttachmentStorage {
  /** Stores the bytes (idempotent). When it resolves, the content is durable under `key`. */
  abstract put(content: Buffer | Readable): Promise<StoredContent>;

  /** Opens the content for reading; rejects with AttachmentContentMissingError when it is absent. */
  abstract get(key: string): Promise<Readable>;

  abstract exists(key: string): Promise<boolean>;
}

export class AttachmentContentMissingError extends Error {
  constructor(readonly key: string) {
    super(`Attachment content ${key} is missing from storage`);
    this.name = 'AttachmentContentMissingError';
  }
}

const KEY = /^[0-9a-f]{64}$/;

/** Keys reach storage from the database; anything else is refused before it becomes a path. */
export function assertStorageKey(key: string): void {
  if (!KEY.test(key)) throw new RangeError(`Not a storage key: ${JSON.stringify(key).slice(0, 80)}`);
}
