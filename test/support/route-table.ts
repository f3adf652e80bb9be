import type { TestApp } from './test-app';

export interface RouteEntry {
  method: string;
  path: string;
  /** 'public', or the roles allowed, comma-separated, or 'UNDECLARED' for a route with neither. */
  access: string;
}

interface Operation {
  'x-public'?: boolean;
  'x-roles'?: string[];
}

/** Every route of the running app, read from its OpenAPI document, with who may call it. */
export async function readRouteTable(testApp: TestApp): Promise<RouteEntry[]> {
  const response = await testApp.http().get('/docs-json').expect(200);
  const paths = (response.body as { paths: Record<string, Record<string, Operation>> }).paths;
  return Object.entries(paths)
    .flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        access: operation['x-public'] ? 'public' : (operation['x-roles']?.join(',') ?? 'UNDECLARED'),
      })),
    )
    .sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}

/** Turns `/api/v1/users/{id}` into a callable URL with a syntactically valid id. */
export function concretePath(path: string, id = '00000000-0000-4000-8000-000000000000'): string {
  return path.replace(/\{[^}]+\}/g, id);
}
