import type { DynamicModule } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';

/**
 * Where `npm run build` puts the operator console (console/, built by Vite): dist/console, beside the
 * compiled server in dist/src. The server only serves these files; no server code imports the console.
 */
export const CONSOLE_DIR = join(__dirname, '..', 'console');

/** Paths that belong to the server, never to the console (the console uses hash routes under `/`). */
export const SERVER_PATHS = ['/api/{*path}', '/docs{*path}', '/health', '/metrics'];

/**
 * Serves the built console at `/`: its page is revalidated on every load (so a deploy takes effect at
 * once), its assets, whose names carry a content hash, are cached for a year. Absent when the console was
 * not built (a server-only build): then `/` is a plain 404 and the API works as before.
 */
export function consoleStaticModules(dir = CONSOLE_DIR): DynamicModule[] {
  if (!existsSync(join(dir, 'index.html'))) return [];
  return [
    ServeStaticModule.forRoot({
      rootPath: dir,
      renderPath: '/',
      exclude: SERVER_PATHS,
      serveStaticOptions: {
        index: 'index.html',
        fallthrough: true,
        setHeaders: (response: ServerResponse, path: string) => {
          response.setHeader(
            'Cache-Control',
            path.includes(`${join(dir, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
          );
        },
      },
    }),
  ];
}
