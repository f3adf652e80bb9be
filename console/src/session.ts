// The signed-in session: the bearer token lives in memory and in sessionStorage (so a reload of the tab
// keeps it, a new tab or a closed browser does not), never in a URL, a cookie or localStorage.
import { signal } from './signal';

export type Role = 'superadmin' | 'admin' | 'agent';

export interface Me {
  id: string;
  email: string;
  name: string;
  role: Role;
  organization: { id: string; name: string } | null;
}

const KEY = 'helpdesk.token';

let token: string | null = readStored();

function readStored(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** Who is signed in; null while signed out or before /me answered. */
export const currentUser = signal<Me | null>(null);
/** Why the last session ended, shown on the sign-in screen (e.g. an expired token). */
export const signOutReason = signal<string | null>(null);

export function getToken(): string | null {
  return token;
}

export function setToken(value: string): void {
  token = value;
  try {
    sessionStorage.setItem(KEY, value);
  } catch {
    // Storage refused (private mode quotas): the token stays in memory for this page only.
  }
}

/** Forgets the token everywhere; used by Sign out and by any 401 answer. */
export function clearSession(reason: string | null = null): void {
  token = null;
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Nothing stored.
  }
  signOutReason.set(reason);
  currentUser.set(null);
}
