import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MailConnectionError } from '../common/net/mail-connection-error';
import { policyFetch } from './policy-fetch';

/** OAuth requests go through the mail outbound policy and come back classified like mail connections. */
describe('policyFetch', () => {
  let server: Server;
  let port: number;
  const strict = policyFetch({ timeoutMs: 500, policy: { allowPrivate: false, allowedHosts: [] } });
  const local = policyFetch({ timeoutMs: 500, policy: { allowPrivate: true, allowedHosts: [] } });
  const reasonOf = async (request: Promise<unknown>) => {
    const error = await request.then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(MailConnectionError);
    return (error as MailConnectionError).reason;
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/hang') return;
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, type: req.headers['content-type'], body }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends the form and reads the answer where private hosts are allowed', async () => {
    const response = await local(`http://127.0.0.1:${port}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      method: 'POST',
      type: 'application/x-www-form-urlencoded',
      body: 'grant_type=refresh_token',
    });
  });

  it('refuses loopback and plain http under the default policy, before connecting', async () => {
    expect(await reasonOf(strict(`https://127.0.0.1:${port}/token`))).toBe('blocked');
    expect(await reasonOf(strict('http://login.example.com/token'))).toBe('blocked');
    expect(await reasonOf(strict('https://169.254.169.254/token'))).toBe('blocked');
  });

  it('classifies a closed port and a server that never answers', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await reasonOf(local(`http://127.0.0.1:${closedPort}/token`))).toBe('refused');
    expect(await reasonOf(local(`http://127.0.0.1:${port}/hang`))).toBe('timeout');
  });
});
