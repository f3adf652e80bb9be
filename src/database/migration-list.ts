import { OrganizationsAndUsers1764000000000 } from './migrations/1764000000000-organizations-and-users';

/** Every migration, oldest first. Both dialects run the same list. */
export const MIGRATIONS = [OrganizationsAndUsers1764000000000];
