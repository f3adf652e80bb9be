import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Message-IDs for the mail we send, signed so that a reply can be threaded into its ticket by
 * In-Reply-To/References alone, while a forged reference (anyone can write any header) cannot
 * push mail into another organization's ticket.
 *
 * Format: `<hd.{organizationId}.{ticketId}.{nonce}.{signature}@{domain}>`
 * - ids are lower-case UUIDs; the nonce (8 random bytes, hex) makes every Message-ID unique;
 * - signature = first 16 bytes of HMAC-SHA256(secret, "hd1|org|ticket|nonce"), hex. The domain
 *   is not signed, so ids stay valid when a tenant changes its sending domain.
 * Everything is lower-case hex, dots and dashes, because some mail systems change the case of
 * Message-IDs.
 */

export interface SignedMessageIdInput {
  secret: string | Buffer;
  organizationId: string;
  ticketId: string;
  /** Sender domain for the right-hand side, e.g. `support.example.com`. */
  domain: string;
  /** Hex nonce; random when omitted (give one only for reproducible tests). */
  nonce?: string;
}

export interface SignedMessageIdClaims {
  organizationId: string;
  ticketId: string;
}

const PREFIX = 'hd';
const SIGNATURE_BYTES = 16;
const MIN_SECRET_LENGTH = 32;
const UUID_PATTERN = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const UUID = new RegExp(`^${UUID_PATTERN}$`);
const NONCE = /^[0-9a-f]{8,64}$/;
const DOMAIN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/i;
const SIGNED_LOCAL_PART = new RegExp(
  `^${PREFIX}\\.(${UUID_PATTERN})\\.(${UUID_PATTERN})\\.([0-9a-f]{8,64})\\.([0-9a-f]{${SIGNATURE_BYTES * 2}})$`,
);

function assertSecret(secret: string | Buffer): void {
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`Message-ID signing secret must be at least ${MIN_SECRET_LENGTH} characters long`);
  }
}

function sign(secret: string | Buffer, organizationId: string, ticketId: string, nonce: string): Buffer {
  return createHmac('sha256', secret)
    .update(`${PREFIX}1|${organizationId}|${ticketId}|${nonce}`)
    .digest()
    .subarray(0, SIGNATURE_BYTES);
}

/** Builds `<hd.{org}.{ticket}.{nonce}.{signature}@{domain}>`; throws on malformed input. */
export function createSignedMessageId(input: SignedMessageIdInput): string {
  assertSecret(input.secret);
  const organizationId = input.organizationId.toLowerCase();
  const ticketId = input.ticketId.toLowerCase();
  const nonce = (input.nonce ?? randomBytes(8).toString('hex')).toLowerCase();
  if (!UUID.test(organizationId) || !UUID.test(ticketId)) {
    throw new Error('organizationId and ticketId must be UUIDs');
  }
  if (!NONCE.test(nonce)) {
    throw new Error('nonce must be 8 to 64 hex characters');
  }
  if (!DOMAIN.test(input.domain)) {
    throw new Error(`Invalid Message-ID domain: ${input.domain}`);
  }
  const signature = sign(input.secret, organizationId, ticketId, nonce).toString('hex');
  return `<${PREFIX}.${organizationId}.${ticketId}.${nonce}.${signature}@${input.domain.toLowerCase()}>`;
}

/**
 * Returns the organization and ticket an id was issued for, or null when the id is not ours or
 * its signature does not match. Accepts the id with or without angle brackets.
 */
export function verifySignedMessageId(secret: string | Buffer, messageId: string): SignedMessageIdClaims | null {
  assertSecret(secret);
  const id = messageId.trim().replace(/^<|>$/g, '').toLowerCase();
  const at = id.lastIndexOf('@');
  const match = at > 0 ? SIGNED_LOCAL_PART.exec(id.slice(0, at)) : null;
  if (!match) {
    return null;
  }
  const [, organizationId, ticketId, nonce, signatureHex] = match;
  const expected = sign(secret, organizationId, ticketId, nonce);
  const given = Buffer.from(signatureHex, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected) ? { organizationId, ticketId } : null;
}
