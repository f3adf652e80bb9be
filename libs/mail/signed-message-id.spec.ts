import { normaliseMessageId } from './message-id';
import { createSignedMessageId, verifySignedMessageId } from './signed-message-id';

const secret = 'a-test-secret-that-is-long-enough-for-hmac';
const organizationId = '2f1b7a4e-6c1d-4b8e-9f3a-1c2d3e4f5a6b';
const ticketId = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const input = { secret, organizationId, ticketId, domain: 'help.example.com' };

describe('signed Message-IDs', () => {
  it('produces a valid, unique Message-ID that verifies to its organization and ticket', () => {
    const id = createSignedMessageId(input);
    expect(id).toMatch(/^<hd\.[0-9a-f-]{36}\.[0-9a-f-]{36}\.[0-9a-f]{16}\.[0-9a-f]{32}@help\.example\.com>$/);
    expect(createSignedMessageId(input)).not.toBe(id);
    expect(verifySignedMessageId(secret, id)).toEqual({ organizationId, ticketId });
  });

  it('verifies the normalised form that parsing produces, in any letter case', () => {
    const id = normaliseMessageId(createSignedMessageId(input))!;
    expect(verifySignedMessageId(secret, id)).toEqual({ organizationId, ticketId });
    expect(verifySignedMessageId(secret, id.toUpperCase())).toEqual({ organizationId, ticketId });
  });

  it('is deterministic for a given nonce and independent of the domain', () => {
    const a = createSignedMessageId({ ...input, nonce: '0011223344556677' });
    const b = createSignedMessageId({ ...input, nonce: '0011223344556677', domain: 'other.example' });
    expect(a.slice(0, a.indexOf('@'))).toBe(b.slice(0, b.indexOf('@')));
  });

  it('rejects a forged reference into another ticket or organization', () => {
    const id = createSignedMessageId(input);
    const otherTicket = '11111111-2222-4333-8444-555555555555';
    expect(verifySignedMessageId(secret, id.replace(ticketId, otherTicket))).toBeNull();
    expect(verifySignedMessageId(secret, id.replace(organizationId, otherTicket))).toBeNull();
    const flipped = id.replace(
      /\.([0-9a-f])([0-9a-f]{31})@/,
      (_, first: string, rest: string) => `.${first === '0' ? '1' : '0'}${rest}@`,
    );
    expect(verifySignedMessageId(secret, flipped)).toBeNull();
    expect(verifySignedMessageId('another-secret-that-is-long-enough-too', id)).toBeNull();
  });

  it('ignores ids that are not ours', () => {
    expect(verifySignedMessageId(secret, 'CAKsfaBW4hj0Gek6@mail.gmail.com')).toBeNull();
    expect(verifySignedMessageId(secret, 'hd.x.y.z.w@example.com')).toBeNull();
    expect(verifySignedMessageId(secret, '')).toBeNull();
  });

  it('fails loudly on bad input', () => {
    expect(() => createSignedMessageId({ ...input, secret: 'short' })).toThrow(/at least 32/);
    expect(() => createSignedMessageId({ ...input, ticketId: '42' })).toThrow(/UUID/);
    expect(() => createSignedMessageId({ ...input, domain: 'bad domain>' })).toThrow(/domain/);
    expect(() => createSignedMessageId({ ...input, nonce: 'xyz' })).toThrow(/nonce/);
  });
});
