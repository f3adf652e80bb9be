import { createHmac } from 'node:crypto';
import { normaliseMessageId } from './message-id';
import { createSignedMessageId, verifySignedMessageId } from './signed-message-id';

const secret = 'a-test-secret-that-is-long-enough-for-hmac';
const organizationId = '2f1b7a4e-6c1d-4b8e-9f3a-1c2d3e4f5a6b';
const ticketId = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const input = { secret, organizationId, ticketId, domain: 'help.example.com' };

describe('signed Message-IDs', () => {
  it('produces a valid, unique, opaque Message-ID that verifies to its organization and ticket', () => {
    const id = createSignedMessageId(input);
    expect(id).toMatch(/^<hd2\.[0-9a-f]{24}\.[0-9a-f]{64}\.[0-9a-f]{32}@help\.example\.com>$/);
    // Neither UUID shows, in any spelling.
    for (const uuid of [organizationId, ticketId]) {
      expect(id).not.toContain(uuid);
      expect(id).not.toContain(uuid.replace(/-/g, ''));
    }
    expect(createSignedMessageId(input)).not.toBe(id);
    expect(verifySignedMessageId(secret, id)).toEqual({ organizationId, ticketId });
  });

  it('still verifies ids of the first format (mail sent before), and refuses them forged', () => {
    const nonce = '0011223344556677';
    const signature = (org: string) =>
      createHmac('sha256', secret).update(`hd1|${org}|${ticketId}|${nonce}`).digest().subarray(0, 16).toString('hex');
    const legacy = `<hd.${organizationId}.${ticketId}.${nonce}.${signature(organizationId)}@help.example.com>`;
    expect(verifySignedMessageId(secret, legacy)).toEqual({ organizationId, ticketId });
    expect(verifySignedMessageId(secret, legacy.toUpperCase())).toEqual({ organizationId, ticketId });
    const otherOrg = '11111111-2222-4333-8444-555555555555';
    expect(verifySignedMessageId(secret, legacy.replace(organizationId, otherOrg))).toBeNull();
  });

  it('verifies the normalised form that parsing produces, in any letter case', () => {
    const id = normaliseMessageId(createSignedMessageId(input))!;
    expect(verifySignedMessageId(secret, id)).toEqual({ organizationId, ticketId });
    expect(verifySignedMessageId(secret, id.toUpperCase())).toEqual({ organizationId, ticketId });
  });

  it('is deterministic for a given nonce and independent of the domain', () => {
    const a = createSignedMessageId({ ...input, nonce: '00112233445566778899aabb' });
    const b = createSignedMessageId({ ...input, nonce: '00112233445566778899aabb', domain: 'other.example' });
    expect(a.slice(0, a.indexOf('@'))).toBe(b.slice(0, b.indexOf('@')));
  });

  it('rejects an altered or forged id', () => {
    const id = createSignedMessageId(input);
    // One bit of the sealed part changed: it no longer opens (no id can be steered to another ticket).
    const altered = id.replace(
      /\.([0-9a-f])([0-9a-f]{63})\./,
      (_, first: string, rest: string) => `.${first === '0' ? '1' : '0'}${rest}.`,
    );
    expect(altered).not.toBe(id);
    expect(verifySignedMessageId(secret, altered)).toBeNull();
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
