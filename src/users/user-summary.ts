import type { UserRole } from '../common/auth/user-role';
import type { User } from './user.entity';

/** A user as other modules see them: who they are and whether they may act, never their secrets. */
export interface UserSummary {
  id: string;
  /** Null for the platform's superadmin. */
  organizationId: string | null;
  email: string;
  name: string;
  role: UserRole;
  disabled: boolean;
  createdAt: Date;
}

/** What signing in checks besides the summary: the password's hash and the session's state. */
export interface SignInAccount extends UserSummary {
  passwordHash: string;
  sessionVersion: number;
  mustChangePassword: boolean;
}

export function userSummary(user: User): UserSummary {
  const { id, organizationId, email, name, role, disabled, createdAt } = user;
  return { id, organizationId, email, name, role, disabled, createdAt };
}

export function signInAccount(user: User): SignInAccount {
  const { passwordHash, sessionVersion, mustChangePassword } = user;
  return { ...userSummary(user), passwordHash, sessionVersion, mustChangePassword };
}
