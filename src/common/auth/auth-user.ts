import type { UserRole } from './user-role';

/** Who is calling, as established by the JWT strategy from the token and the current user row. */
export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  /** Null only for the superadmin. */
  organizationId: string | null;
  /** A temporary (or generated) password: only the routes marked @AllowedBeforePasswordChange() answer. */
  mustChangePassword: boolean;
}

/** A caller that belongs to an organization: every tenant route receives this. */
export interface TenantUser extends AuthUser {
  organizationId: string;
}
