/**
 * A TCP proxy that holds every chunk for a fixed time in each direction, so a loopback IMAP server
 * answers like a remote one. Run by bench/latency-proxy.ts in a process of its own (the benchmark's
 * phases run synchronously in the parent): `node latency-proxy-server.js TARGET_PORT DELAY_MS`; it
 * prints `PORT n` once it listens on loopback.
 */
import { connect, createServer, type Socket } from 'node:net';

const [targetPort, delayMs] = process.argv.slice(2).map(Number);

/** Chunks leave in the order they came: timers of the same duration fire in the order they were set. */
function forward(from: Socket, to: Socket): void {
  from.on('data', (chunk: Buffer) => setTimeout(() => to.write(chunk), delayMs));
  from.on('end', () => setTimeout(() => to.end(), delayMs));
  from.on('error', () => to.destroy());
}

const server = createServer((client) => {
  const upstream = connect(targetPort, '127.0.0.1');
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  forward(client, upstream);
  forward(upstream, client);
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`PORT ${address.port}\n`);
});
