import { classifyMailError, MailConnectionError } from './mail-connection-error';

/** An Error carrying the extra fields Node, imapflow and nodemailer attach. */
function libraryError(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

describe('classifyMailError', () => {
  it.each([
    { name: 'ENOTFOUND', fields: { code: 'ENOTFOUND' }, reason: 'dns' },
    { name: 'EAI_AGAIN', fields: { code: 'EAI_AGAIN' }, reason: 'dns' },
    { name: 'nodemailer EDNS', fields: { code: 'EDNS' }, reason: 'dns' },
    { name: 'ECONNREFUSED', fields: { code: 'ECONNREFUSED' }, reason: 'refused' },
    {
      name: 'nodemailer ESOCKET/ECONNREFUSED',
      fields: { code: 'ESOCKET', originalCode: 'ECONNREFUSED' },
      reason: 'refused',
    },
    { name: 'imapflow NoConnection', fields: { code: 'NoConnection' }, reason: 'refused' },
    { name: 'ECONNRESET after login', fields: { code: 'ECONNRESET' }, reason: 'refused' },
    { name: 'ETIMEDOUT', fields: { code: 'ETIMEDOUT' }, reason: 'timeout' },
    { name: 'imapflow CONNECT_TIMEOUT', fields: { code: 'CONNECT_TIMEOUT' }, reason: 'timeout' },
    { name: 'wrong version number', fields: { code: 'ERR_SSL_WRONG_VERSION_NUMBER' }, reason: 'tls' },
    { name: 'EPROTO', fields: { code: 'EPROTO' }, reason: 'tls' },
    { name: 'TLS alert', fields: { code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' }, reason: 'tls' },
    { name: 'nodemailer ETLS', fields: { code: 'ETLS' }, reason: 'tls' },
    { name: 'imapflow tlsFailed', fields: { tlsFailed: true }, reason: 'tls' },
    { name: 'DEPTH_ZERO_SELF_SIGNED_CERT', fields: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, reason: 'certificate' },
    { name: 'SELF_SIGNED_CERT_IN_CHAIN', fields: { code: 'SELF_SIGNED_CERT_IN_CHAIN' }, reason: 'certificate' },
    {
      name: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      fields: { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' },
      reason: 'certificate',
    },
    { name: 'CERT_HAS_EXPIRED', fields: { code: 'CERT_HAS_EXPIRED' }, reason: 'certificate' },
    { name: 'ERR_TLS_CERT_ALTNAME_INVALID', fields: { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, reason: 'certificate' },
    {
      name: 'certificate error wrapped by imapflow',
      fields: { _err: { code: 'CERT_HAS_EXPIRED' }, tlsFailed: true },
      reason: 'certificate',
    },
    {
      name: 'IMAP AUTHENTICATIONFAILED',
      fields: { authenticationFailed: true, serverResponseCode: 'AUTHENTICATIONFAILED' },
      reason: 'auth',
    },
    { name: 'SMTP 535', fields: { code: 'EAUTH', responseCode: 535 }, reason: 'auth' },
    { name: 'imapflow mailboxMissing', fields: { mailboxMissing: true, responseStatus: 'NO' }, reason: 'folder' },
    { name: 'IMAP NONEXISTENT', fields: { serverResponseCode: 'NONEXISTENT' }, reason: 'folder' },
    { name: 'anything else', fields: { code: 'ParserError3' }, reason: 'protocol' },
  ])('maps $name', ({ fields, reason }) => {
    const error = classifyMailError(libraryError('boom', fields));
    expect(error).toBeInstanceOf(MailConnectionError);
    expect(error.reason).toBe(reason);
    expect(error.hint).toEqual(expect.any(String));
  });

  it('uses the stage for ambiguous errors', () => {
    expect(classifyMailError(libraryError('socket hang up', { code: 'ECONNRESET' }), 'tls').reason).toBe('tls');
    const refusedSelect = libraryError('Command failed', { responseStatus: 'NO', responseText: 'No such folder' });
    expect(classifyMailError(refusedSelect, 'folder').reason).toBe('folder');
    expect(classifyMailError(refusedSelect, 'command').reason).toBe('protocol');
  });

  it('suggests TLS when the server never greeted (imapflow and nodemailer)', () => {
    for (const fields of [{ code: 'GREETING_TIMEOUT' }, { code: 'ETIMEDOUT', timeoutType: 'GREETING_TIMEOUT' }]) {
      const error = classifyMailError(libraryError('no greeting', fields));
      expect(error.reason).toBe('timeout');
      expect(error.hint).toMatch(/expects TLS/);
    }
  });

  it('reads "encrypt first" refusals of a login as tls, not as a wrong password', () => {
    for (const fields of [
      { code: 'EAUTH', responseCode: 538 },
      { authenticationFailed: true, serverResponseCode: 'PRIVACYREQUIRED' },
    ]) {
      const error = classifyMailError(libraryError('Must issue a STARTTLS command first', fields));
      expect(error.reason).toBe('tls');
      expect(error.hint).toMatch(/encrypted connection/);
    }
  });

  it("keeps the server's own words and the original error", () => {
    const original = libraryError('Command failed', { responseText: 'Mailbox is locked', responseStatus: 'NO' });
    const error = classifyMailError(original);
    expect(error.message).toBe('Mailbox is locked');
    expect(error.cause).toBe(original);
  });

  it('passes MailConnectionErrors through and copes with non-errors', () => {
    const ours = new MailConnectionError('blocked', 'nope');
    expect(classifyMailError(ours)).toBe(ours);
    expect(classifyMailError('weird')).toMatchObject({ reason: 'protocol', message: 'weird' });
  });
});
