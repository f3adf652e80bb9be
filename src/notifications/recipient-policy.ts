import { isEmail } from 'class-validator';

/**
 * Local parts of machine mailboxes that must never get our mail: mail systems (RFC 2142, RFC 3834
 * §2), "no reply" senders in their common spellings, and VERP bounce addresses.
 */
const MACHINE_LOCAL_PART =
  /^(?:mailer[-_.]?daemon|postmaster|(?:[a-z0-9]+[-_.+])?bounces?(?:[-_.+=].*)?|(?:.*[-_.+])?(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|no[-_.]?response)(?:[-_.+=].*)?)$/i;

/** Why we must not send to `address`, or null when it is fine. `ownAddresses` are lower-case. */
export function recipientProblem(address: string, ownAddresses: ReadonlySet<string>): string | null {
  const normalized = address.trim().toLowerCase();
  if (!isEmail(normalized)) return 'not a valid email address';
  if (ownAddresses.has(normalized)) return 'our own support address';
  const local = normalized.slice(0, normalized.lastIndexOf('@'));
  if (MACHINE_LOCAL_PART.test(local))
    return 'a machine mailbox (mailer-daemon, postmaster, no-reply or bounce address)';
  return null;
}
