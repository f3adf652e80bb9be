import { COMMON_PASSWORDS } from './common-passwords';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;

/**
 * Why a password is refused, in words a user can act on; empty when it is acceptable. The one policy,
 * for every path that sets a password (the API, reset links, invitations, SUPERADMIN_PASSWORD).
 */
export function passwordProblems(password: string, email: string): string[] {
  const problems: string[] = [];
  const lower = password.toLowerCase();
  const address = email.trim().toLowerCase();
  const localPart = address.split('@')[0];
  if (password.length < PASSWORD_MIN_LENGTH) problems.push(`must be at least ${PASSWORD_MIN_LENGTH} characters long`);
  if (password.length > PASSWORD_MAX_LENGTH) problems.push(`must be at most ${PASSWORD_MAX_LENGTH} characters long`);
  // The letters of the name part with digits or symbols around them (e.g. "Ada.Admin-2026!") count as the name.
  const nameLetters = localPart.replace(/[^a-z]/g, '');
  const sameName = nameLetters !== '' && lower.replace(/[^a-z]/g, '') === nameLetters;
  if (lower.includes(address) || sameName) problems.push('must not be the email address or its name part');
  if (COMMON_PASSWORDS.has(lower) || /^(.)\1*$/.test(password)) problems.push('is one of the most common passwords');
  return problems;
}
