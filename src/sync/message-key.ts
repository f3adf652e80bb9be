import type { ParsedMessage } from '../../libs/mail/parsed-message';

/** The ledger's key of a message: its Message-ID, or without one the hash of its content. */
export function messageKeyOf(message: Pick<ParsedMessage, 'messageId' | 'contentHash'>): string {
  return message.messageId ? `mid:${message.messageId.slice(0, 490)}` : `hash:${message.contentHash}`;
}
