import { asProtectedAs, sameEndpoint, smtpMayUseImapCredentials, type MailEndpoint } from './credential-reuse';

describe('smtpMayUseImapCredentials', () => {
  it.each([
    ['imap.example.com', 'IMAP.example.com.'],
    ['imap.gmail.com', 'smtp.gmail.com'],
    ['outlook.office365.com', 'smtp.office365.com'],
  ])('lets the password of %s go to %s', (imap, smtp) => {
    expect(smtpMayUseImapCredentials(imap, smtp)).toBe(true);
  });

  it.each([
    ['imap.example.com', 'smtp.example.com'], // a guess from names; only listed providers pair
    ['imap.com.br', 'smtp.com.br'], // two unrelated owners under a public suffix
    ['smtp.gmail.com', 'imap.gmail.com'], // pairs go one way: IMAP host to its SMTP host
    ['imap.gmail.com', 'smtp.gmail.com.evil.test'],
    ['127.0.0.1', 'localhost'],
  ])('keeps the password of %s from %s', (imap, smtp) => {
    expect(smtpMayUseImapCredentials(imap, smtp)).toBe(false);
  });
});

describe('sameEndpoint', () => {
  const stored: MailEndpoint = {
    host: 'imap.example.com',
    port: 993,
    security: 'tls',
    verifyCertificate: true,
    username: 'desk',
  };

  it('holds for the same server written differently', () => {
    expect(sameEndpoint(stored, { ...stored, host: 'IMAP.Example.com' })).toBe(true);
  });

  it.each([
    { host: 'imap.example.net' },
    { port: 143 },
    { security: 'starttls' as const },
    { verifyCertificate: false },
    { username: 'other' },
  ])('fails when %o changes', (change) => {
    expect(sameEndpoint(stored, { ...stored, ...change })).toBe(false);
  });
});

describe('asProtectedAs', () => {
  it('refuses clear text or unchecked certificates where the incoming side had them', () => {
    const strict = { security: 'tls', verifyCertificate: true } as const;
    expect(asProtectedAs(strict, { security: 'starttls', verifyCertificate: true })).toBe(true);
    expect(asProtectedAs(strict, { security: 'none', verifyCertificate: true })).toBe(false);
    expect(asProtectedAs(strict, { security: 'tls', verifyCertificate: false })).toBe(false);
    expect(
      asProtectedAs({ security: 'none', verifyCertificate: false }, { security: 'none', verifyCertificate: false }),
    ).toBe(true);
  });
});
