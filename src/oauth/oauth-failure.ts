import { AuthorizationResponseError, ClientError, ResponseBodyError } from 'openid-client';
import { MailConnectionError, type MailFailureReason } from '../common/net/mail-connection-error';

/** How an OAuth request failed: a mail connection's classes, plus `consent` when the user or admin said no. */
export type OAuthFailureReason = Exclude<MailFailureReason, 'folder'> | 'consent';

/** The provider's error codes meaning the grant (or the app's right to one) is gone until someone acts. */
const GRANT_LOST = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client']);
const CONSENT = new Set(['access_denied', 'consent_required', 'interaction_required', 'login_required']);
/** Microsoft answers a missing admin consent with invalid_grant or invalid_client and this code in the text. */
const MICROSOFT_CONSENT = /AADSTS65001|AADSTS650057/;

/**
 * A failed discovery, authorization, token or revocation request. `grantLost` says that retrying is
 * useless until an admin reconnects (or fixes the app registration). The message names the provider's
 * error code and description, never a token or code.
 */
export class OAuthFailure extends Error {
  override name = 'OAuthFailure';

  constructor(
    readonly reason: OAuthFailureReason,
    message: string,
    readonly grantLost = false,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

function describe(code: string, description: string | undefined): string {
  return description ? `${code}: ${description}` : code;
}

function fromProviderCode(code: string, description: string | undefined, cause: unknown): OAuthFailure {
  const text = describe(code, description);
  if (CONSENT.has(code) || MICROSOFT_CONSENT.test(description ?? '')) {
    return new OAuthFailure('consent', `The provider refused consent (${text})`, true, { cause });
  }
  if (GRANT_LOST.has(code))
    return new OAuthFailure('auth', `The provider refused the grant (${text})`, true, { cause });
  return new OAuthFailure('protocol', `The provider answered with an error (${text})`, false, { cause });
}

/** The first MailConnectionError in a chain of causes (our fetch's, wrapped by openid-client). */
function connectionErrorIn(error: unknown): MailConnectionError | null {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    if (current instanceof MailConnectionError) return current;
    current = current.cause;
  }
  return null;
}

/** Turns what openid-client or our fetch threw into an OAuthFailure. */
export function classifyOAuthError(error: unknown, what: string): OAuthFailure {
  if (error instanceof OAuthFailure) return error;
  if (error instanceof ResponseBodyError) return fromProviderCode(error.error, error.error_description, error);
  if (error instanceof AuthorizationResponseError) return fromProviderCode(error.error, error.error_description, error);
  const connection = connectionErrorIn(error);
  if (connection !== null && connection.reason !== 'folder') {
    return new OAuthFailure(connection.reason, `${what}: ${connection.message}`, false, { cause: error });
  }
  if (error instanceof ClientError && error.code === 'OAUTH_TIMEOUT') {
    return new OAuthFailure('timeout', `${what}: the provider did not answer in time`, false, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new OAuthFailure('protocol', `${what}: ${message}`, false, { cause: error });
}
