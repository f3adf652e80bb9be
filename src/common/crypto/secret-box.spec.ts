import { randomBytes } from 'node:crypto';
import { decodeEncryptionKey } from './encryption-key';
import { keyIdOf, SecretBox, SecretUnreadableError, sealedKeyId } from './secret-box';

describe('SecretBox', () => {
  const key = randomBytes(32);
  const box = new SecretBox(key);

  it('round-trips a secret, with a fresh IV every time', () => {
    const first = box.seal('pässword with ünicode', 'table.column:1');
    const second = box.seal('pässword with ünicode', 'table.column:1');
    expect(first).not.toBe(second);
    expect(box.open(first, 'table.column:1')).toBe('pässword with ünicode');
    expect(box.open(second, 'table.column:1')).toBe('pässword with ünicode');
  });

  it('names the key in the sealed value', () => {
    const sealed = box.seal('x', 'c');
    expect(sealed.startsWith(`v1:${box.keyId}:`)).toBe(true);
    expect(sealedKeyId(sealed)).toBe(keyIdOf(key));
    expect(box.sealedWithThisKey(sealed)).toBe(true);
    expect(new SecretBox(randomBytes(32)).sealedWithThisKey(sealed)).toBe(false);
  });

  it('refuses another key, another context, tampering and foreign formats', () => {
    const sealed = box.seal('secret', 'email.password:org-1');
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'email.password:org-1')).toThrow(/encrypted with key/);
    expect(() => box.open(sealed, 'email.password:org-2')).toThrow(/integrity/);
    const parts = sealed.split(':');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join(':'), 'email.password:org-1')).toThrow(SecretUnreadableError);
    expect(() => box.open('plain-text-password', 'email.password:org-1')).toThrow(/format/);
  });

  it('accepts only 32-byte keys', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe('decodeEncryptionKey', () => {
  it('accepts standard and URL-safe base64, with or without padding', () => {
    const key = randomBytes(32);
    expect(decodeEncryptionKey(key.toString('base64'))).toEqual(key);
    expect(decodeEncryptionKey(key.toString('base64url'))).toEqual(key);
    expect(decodeEncryptionKey(`  ${key.toString('base64')}\n`)).toEqual(key);
  });

  it('refuses other lengths and non-base64 without repeating the value', () => {
    expect(() => decodeEncryptionKey(randomBytes(16).toString('base64'))).toThrow(
      new Error('must decode to 32 bytes, e.g. the output of `openssl rand -base64 32` (got 16)'),
    );
    expect(() => decodeEncryptionKey('topsecret!')).toThrow(
      new Error('must be base64, e.g. the output of `openssl rand -base64 32`'),
    );
  });
});
