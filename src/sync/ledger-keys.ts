import { timeOrderedId } from '../../libs/ids/time-ordered-id';
import type { ParsedMessage } from '../../libs/mail/parsed-message';
import type { KnownMessage } from './ingested-messages.repository';

/**
 * The ledger keys of a message. A message is the same as one already taken when its Message-ID and its
 * content both match (content: the hash of the headers its author's client wrote and of the body, so a
 * copy that took another route is still the same). Test fixtures, some broken clients and mass mailers
 * reuse one Message-ID for different messages; the first takes the plain key, each different one a key
 * made of the id and its content hash, so each is taken exactly once.
 */
export interface LedgerKeys {
  /** `mid:<Message-ID>`, or `hash:<content hash>` for a message without one. */
  primary: string;
  /** The key of a different message that reuses the Message-ID (null without one). */
  reused: string | null;
  contentHash: string;
}

/** What the ledger makes of a message: a copy of one it took, or new under the key to record it by. */
export type LedgerIdentity =
  { kind: 'duplicate'; of: KnownMessage } | { kind: 'new'; key: string; messageIdTaken: boolean };

/** Room for the content hash (64) and separator after a long Message-ID in the 500-character key. */
const REUSED_ID_CHARS = 420;

export function ledgerKeysOf(message: Pick<ParsedMessage, 'messageId' | 'contentHash'>): LedgerKeys {
  const { messageId, contentHash } = message;
  if (!messageId) return { primary: `hash:${contentHash}`, reused: null, contentHash };
  return {
    primary: `mid:${messageId.slice(0, 490)}`,
    reused: `mid:${messageId.slice(0, REUSED_ID_CHARS)}#${contentHash}`,
    contentHash,
  };
}

/**
 * Decides against what the ledger knows. A row from before content hashes were kept cannot be told
 * apart, so it counts as the same message (as every repeated Message-ID did then).
 */
export function identify(keys: LedgerKeys, known: ReadonlyMap<string, KnownMessage>): LedgerIdentity {
  const first = known.get(keys.primary);
  if (!first) return { kind: 'new', key: keys.primary, messageIdTaken: false };
  if (first.contentHash === null || first.contentHash === keys.contentHash || !keys.reused) {
    return { kind: 'duplicate', of: first };
  }
  const again = known.get(keys.reused);
  if (again) return { kind: 'duplicate', of: again };
  return { kind: 'new', key: keys.reused, messageIdTaken: true };
}

/**
 * The key a copy is recorded under: its own, matching no other, so the run's record lists it (with the
 * ticket it duplicates) and a later run that sees it again records it again.
 */
export function duplicateKey(): string {
  return `dup:${timeOrderedId()}`;
}
