/** superadmin runs the platform and sees no tenant data; admin runs one organization; agent works its tickets. */
export const USER_ROLES = ['superadmin', 'admin', 'agent'] as const;
export type UserRole = (typeof USER_ROLES)[number];
export type TenantRole = Exclude<UserRole, 'superadmin'>;
export const TENANT_ROLES: readonly TenantRole[] = ['admin', 'agent'];
