import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Message-IDs for the mail we send, sealed so that a reply can be threaded into its ticket by
 * In-Reply-To/References alone, while a forged reference (anyone can write any header) cannot
 * push mail into another organization's ticket, and a customer learns no internal identifier.
 *
 * Format: `<hd2.{iv}.{sealed}.{tag}@{domain}>`: the organization and ticket UUIDs (32 bytes) encrypted
 * with AES-256-GCM under a key derived from the secret; iv = 12 random bytes, tag = the 16-byte GCM tag
 * (it is the signature: nothing else decrypts or verifies). The domain is not sealed, so ids stay valid
 * when a tenant changes its sending domain. Everything is lower-case hex and dots, because some mail
 * systems change the case of Message-IDs.
 *
 * Ids of the first format, `<hd.{organizationId}.{ticketId}.{nonce}.{signature}@{domain}>` (signature =
 * first 16 bytes of HMAC-SHA256(secret, "hd1|org|ticket|nonce")), are still accepted: replies to mail
 * sent before keep threading.
 */

export interface SignedMessageIdInput {
  secret: string | Buffer;
  organizationId: string;
  ticketId: string;
  /** Sender domain for the right-hand side, e.g. `support.example.com`. */
  domain: string;
  /** The 12-byte IV as 24 hex characters; random when omitted (give one only for reproducible tests). */
  nonce?: string;
}

export interface SignedMessageIdClaims {
  organizationId: string;
  ticketId: string;
}

const PREFIX = 'hd';
const SEALED_PREFIX = 'hd2';
const SIGNATURE_BYTES = 16;
const IV_BYTES = 12;
const MIN_SECRET_LENGTH = 32;
const UUID_PATTERN = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const UUID = new RegExp(`^${UUID_PATTERN}$`);
const IV = new RegExp(`^[0-9a-f]{${IV_BYTES * 2}}$`);
const DOMAIN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/i;
const SIGNED_LOCAL_PART = new RegExp(
  `^${PREFIX}\\.(${UUID_PATTERN})\\.(${UUID_PATTERN})\\.([0-9a-f]{8,64})\\.([0-9a-f]{${SIGNATURE_BYTES * 2}})$`,
);
const SEALED_LOCAL_PART = new RegExp(
  `^${SEALED_PREFIX}\\.([0-9a-f]{${IV_BYTES * 2}})\\.([0-9a-f]{64})\\.([0-9a-f]{${SIGNATURE_BYTES * 2}})$`,
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

/** The last secret's derived key: a sync checks every id a message references with the same secret. */
let derived: { secret: string | Buffer; key: Buffer } | null = null;

/** The AES-256-GCM key for sealed ids, derived from the secret (which also signs ids of the first format). */
function sealingKey(secret: string | Buffer): Buffer {
  if (derived?.secret !== secret) {
    derived = { secret, key: createHmac('sha256', secret).update(`${SEALED_PREFIX}|message-id sealing key`).digest() };
  }
  return derived.key;
}

const uuidBytes = (uuid: string) => Buffer.from(uuid.replace(/-/g, ''), 'hex');

function uuidOf(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Builds `<hd2.{iv}.{sealed}.{tag}@{domain}>`; throws on malformed input. */
export function createSignedMessageId(input: SignedMessageIdInput): string {
  assertSecret(input.secret);
  const organizationId = input.organizationId.toLowerCase();
  const ticketId = input.ticketId.toLowerCase();
  const iv = (input.nonce ?? randomBytes(IV_BYTES).toString('hex')).toLowerCase();
  if (!UUID.test(organizationId) || !UUID.test(ticketId)) {
    throw new Error('organizationId and ticketId must be UUIDs');
  }
  if (!IV.test(iv)) {
    throw new Error(`nonce must be ${IV_BYTES * 2} hex characters`);
  }
  if (!DOMAIN.test(input.domain)) {
    throw new Error(`Invalid Message-ID domain: ${input.domain}`);
  }
  const cipher = createCipheriv('aes-256-gcm', sealingKey(input.secret), Buffer.from(iv, 'hex'));
  cipher.setAAD(Buffer.from(SEALED_PREFIX));
  const sealed = Buffer.concat([
    cipher.update(uuidBytes(organizationId)),
    cipher.update(uuidBytes(ticketId)),
    cipher.final(),
  ]);
  const tag = cipher.getAuthTag().toString('hex');
  return `<${SEALED_PREFIX}.${iv}.${sealed.toString('hex')}.${tag}@${input.domain.toLowerCase()}>`;
}

function openSealed(secret: string | Buffer, [, iv, sealed, tag]: RegExpExecArray): SignedMessageIdClaims | null {
  const decipher = createDecipheriv('aes-256-gcm', sealingKey(secret), Buffer.from(iv, 'hex'));
  decipher.setAAD(Buffer.from(SEALED_PREFIX));
  decipher.setAuthTag(Buffer.from(tag, 'hex'));
  try {
    const plain = Buffer.concat([decipher.update(Buffer.from(sealed, 'hex')), decipher.final()]);
    return { organizationId: uuidOf(plain.subarray(0, 16)), ticketId: uuidOf(plain.subarray(16, 32)) };
  } catch {
    // The tag does not match: forged, altered, or sealed under another secret.
    return null;
  }
}

function openSigned(secret: string | Buffer, [, organizationId, ticketId, nonce, signatureHex]: RegExpExecArray) {
  const expected = sign(secret, organizationId, ticketId, nonce);
  const given = Buffer.from(signatureHex, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected) ? { organizationId, ticketId } : null;
}

/**
 * Returns the organization and ticket an id was issued for (either format), or null when the id is not
 * ours or its tag or signature does not match. Accepts the id with or without angle brackets.
 */
export function verifySignedMessageId(secret: string | Buffer, messageId: string): SignedMessageIdClaims | null {
  assertSecret(secret);
  const id = messageId.trim().replace(/^<|>$/g, '').toLowerCase();
  const at = id.lastIndexOf('@');
  if (at <= 0) return null;
  const local = id.slice(0, at);
  const sealed = SEALED_LOCAL_PART.exec(local);
  if (sealed) return openSealed(secret, sealed);
  const signed = SIGNED_LOCAL_PART.exec(local);
  return signed ? openSigned(secret, signed) : null;
}
