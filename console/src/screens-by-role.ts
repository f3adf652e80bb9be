// Which screens each role sees: agents work tickets; an admin runs everything of their organization;
// the superadmin runs the platform (organizations) and sees no tenant data. The API enforces the same.
import type { Role } from './session';

export interface NavItem {
  path: string;
  label: string;
  roles: Role[];
}

export const NAV: NavItem[] = [
  { path: '/tickets', label: 'Tickets', roles: ['admin', 'agent'] },
  { path: '/settings/email', label: 'Email settings', roles: ['admin'] },
  { path: '/failures', label: 'Failures', roles: ['admin'] },
  { path: '/notifications', label: 'Notifications', roles: ['admin'] },
  { path: '/users', label: 'Users', roles: ['admin'] },
  { path: '/organizations', label: 'Organizations', roles: ['superadmin'] },
];

export function homeFor(role: Role): string {
  return role === 'superadmin' ? '/organizations' : '/tickets';
}

/** The nav entry a path belongs to (a ticket's detail belongs to Tickets). */
export function navItemFor(path: string): NavItem | undefined {
  return NAV.find((item) => path === item.path || path.startsWith(`${item.path}/`));
}
