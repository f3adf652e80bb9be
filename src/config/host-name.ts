/** A DNS host name (letters, digits, hyphens; dot-separated labels), optionally ending in a dot. */
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

export function isHostName(value: string): boolean {
  return HOST_NAME.test(value);
}
