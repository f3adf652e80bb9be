/**
 * What went wrong when talking to a mail server, in terms a settings page can act on.
 * dns, refused and timeout are usually passing trouble (retry later); tls, certificate, auth, folder
 * and blocked need someone to change the settings; protocol is anything else.
 */
export type MailFailureReason =
  'dns' | 'refused' | 'timeout' | 'tls' | 'certificate' | 'auth' | 'folder' | 'protocol' | 'blocked';

/**
 * Where the failure happened, when the caller knows. It settles ambiguous errors: a reset during the TLS
 * handshake means the port speaks something else, a reset later means the server went away; a NO while
 * opening a folder means the folder cannot be used, whatever the server's wording.
 */
export type MailStage = 'connect' | 'tls' | 'folder' | 'command';

/** Plain-language advice shown next to the error; keyed by reason so every error carries one. */
const MAIL_FAILURE_HINTS: Readonly<Record<MailFailureReason, string>> = {
  dns: 'The server name could not be resolved. Check it for typos.',
  refused:
    'Nothing accepted the connection on this host and port, or the server closed it. ' +
    'Check the port and that the server is running and reachable.',
  timeout: 'The server did not answer in time. Check the host, the port and any firewall in between.',
  tls:
    'The secure connection could not be set up: the port and the security setting probably do not match ' +
    '(IMAP: 993 = TLS, 143 = STARTTLS; SMTP: 465 = TLS, 587 = STARTTLS).',
  certificate:
    "The server's certificate is not trusted (self-signed, expired or issued for another name). " +
    'Fix the certificate, or turn off certificate verification if you trust this server.',
  auth:
    'The server rejected the user name or password. Gmail, Outlook, Yahoo and iCloud may have password ' +
    'login disabled: create an app password and use it here.',
  folder: 'The folder does not exist on the server. Check its exact name; many servers are case-sensitive.',
  protocol: 'The server answered in an unexpected way. Check that this host and port really serve IMAP or SMTP.',
  blocked:
    'This address is on a private or reserved network, which mail servers are not allowed to use here. ' +
    "The service's administrator can allow private hosts with MAIL_ALLOW_PRIVATE_HOSTS=true, or this host " +
    'alone in MAIL_ALLOWED_HOSTS (cloud metadata addresses are never allowed).',
};

export interface MailConnectionErrorOptions {
  hint?: string;
  cause?: unknown;
}

/** The one error type the mail drivers throw; `reason` is what callers branch on. */
export class MailConnectionError extends Error {
  override name = 'MailConnectionError';
  readonly reason: MailFailureReason;
  readonly hint?: string;

  constructor(reason: MailFailureReason, message: string, options: MailConnectionErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.reason = reason;
    this.hint = options.hint ?? MAIL_FAILURE_HINTS[reason];
  }
}

const DNS_CODES = ['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EDNS'];
const CERTIFICATE_CODES = [
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
];
const TIMEOUT_CODES = ['ETIMEDOUT', 'ETIMEOUT', 'CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT'];
const TLS_CODES = ['EPROTO', 'ETLS', 'EREQUIRETLS'];
// A connection that was there and is gone: for the caller it is the same as one that was never accepted.
const DROPPED_CODES = [
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ECONNECTION',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'NoConnection',
  'EConnectionClosed',
  'ClosedAfterConnectText',
  'ClosedAfterConnectTLS',
];

const ENCRYPTION_REQUIRED_HINT =
  'The server only accepts the password over an encrypted connection. Choose STARTTLS or TLS as the security setting.';
const GREETING_TIMEOUT_HINT =
  'The server accepted the connection but never greeted us: this port probably expects TLS from the start ' +
  '(IMAP 993, SMTP 465). Choose TLS as the security setting.';

/** The fields imapflow, nodemailer and Node put on their errors that tell failures apart. */
interface ErrorFacts {
  text: string;
  codes: Set<string>;
  responseCode?: number;
  serverResponseCode?: string;
  /** 'NO' or 'BAD' when an IMAP command was refused. */
  responseStatus?: string;
  authenticationFailed: boolean;
  mailboxMissing: boolean;
  tlsFailed: boolean;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function readFacts(err: unknown): ErrorFacts {
  const record = asRecord(err);
  // Libraries wrap the socket error: nodemailer keeps it as originalCode, imapflow as _err, Node as cause.
  // nodemailer reports every timeout as ETIMEDOUT and says which one in timeoutType.
  const layers = [record, asRecord(record._err), asRecord(record.cause)];
  const codes = new Set<string>();
  for (const layer of layers) {
    for (const key of ['code', 'originalCode', 'timeoutType']) {
      if (typeof layer[key] === 'string') codes.add(layer[key]);
    }
  }
  const detail = [record.responseText, record.response, record.message].find((v) => typeof v === 'string');
  return {
    text: typeof detail === 'string' && detail.length > 0 ? detail : String(err),
    codes,
    responseCode: typeof record.responseCode === 'number' ? record.responseCode : undefined,
    serverResponseCode: typeof record.serverResponseCode === 'string' ? record.serverResponseCode : undefined,
    responseStatus: typeof record.responseStatus === 'string' ? record.responseStatus : undefined,
    authenticationFailed: record.authenticationFailed === true,
    mailboxMissing: record.mailboxMissing === true,
    tlsFailed: record.tlsFailed === true,
  };
}

function hasAny(codes: Set<string>, list: string[]): boolean {
  return list.some((code) => codes.has(code));
}

/** SMTP 538 (RFC 4954) and IMAP PRIVACYREQUIRED: the login was refused only because it was not encrypted. */
function encryptionRequired(facts: ErrorFacts): boolean {
  return facts.responseCode === 538 || facts.serverResponseCode === 'PRIVACYREQUIRED';
}

function reasonOf(facts: ErrorFacts, stage: MailStage | undefined): MailFailureReason {
  const { codes, text } = facts;
  if (hasAny(codes, DNS_CODES)) return 'dns';
  if (hasAny(codes, CERTIFICATE_CODES) || /certificate/i.test(text)) return 'certificate';
  if (encryptionRequired(facts)) return 'tls';
  if (
    facts.authenticationFailed ||
    facts.serverResponseCode === 'AUTHENTICATIONFAILED' ||
    codes.has('EAUTH') ||
    facts.responseCode === 535
  ) {
    return 'auth';
  }
  if (
    facts.mailboxMissing ||
    facts.serverResponseCode === 'NONEXISTENT' ||
    (stage === 'folder' && facts.responseStatus === 'NO')
  ) {
    return 'folder';
  }
  if (codes.has('ECONNREFUSED')) return 'refused';
  if (hasAny(codes, TIMEOUT_CODES)) return 'timeout';
  if (
    hasAny(codes, TLS_CODES) ||
    // OpenSSL's own failures: ERR_SSL_WRONG_VERSION_NUMBER, ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION, ...
    [...codes].some((code) => code.startsWith('ERR_SSL_')) ||
    facts.tlsFailed ||
    /wrong version number|packet length too long|STARTTLS/i.test(text) ||
    (stage === 'tls' && hasAny(codes, DROPPED_CODES))
  ) {
    return 'tls';
  }
  if (hasAny(codes, DROPPED_CODES)) return 'refused';
  return 'protocol';
}

/**
 * Turns whatever Node, imapflow or nodemailer threw into a MailConnectionError. An error that already
 * is one passes through unchanged, so drivers can classify at every layer without double wrapping.
 */
export function classifyMailError(err: unknown, stage?: MailStage): MailConnectionError {
  if (err instanceof MailConnectionError) return err;
  const facts = readFacts(err);
  const reason = reasonOf(facts, stage);
  const hint = facts.codes.has('GREETING_TIMEOUT')
    ? GREETING_TIMEOUT_HINT
    : encryptionRequired(facts)
      ? ENCRYPTION_REQUIRED_HINT
      : undefined;
  return new MailConnectionError(reason, facts.text, { hint, cause: err });
}
