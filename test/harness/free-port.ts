import { createServer } from 'node:net';

/**
 * A loopback port nothing listens on right now. The kernel picks it, so parallel Jest workers do not
 * collide; the small window before the caller binds it is acceptable for tests.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
