/**
 * A loopback SMTP server for `npm run bench:notify`, in a process of its own so that accepting mail does
 * not compete with the sender for the event loop. Accepts everything (no TLS, no AUTH), keeps only a
 * count and the Message-IDs it saw (to report duplicates). Talks to its parent over IPC:
 * `{ type: 'ready', port }` once listening; answers `{ type: 'stats' }` with `{ type: 'stats', count, duplicates }`.
 */
import { SMTPServer } from 'smtp-server';

const seen = new Set<string>();
let count = 0;
let duplicates = 0;

const MESSAGE_ID = /^Message-ID:\s*(<[^>]+>)/im;

const server = new SMTPServer({
  disabledCommands: ['STARTTLS', 'AUTH'],
  authOptional: true,
  logger: false,
  disableReverseLookup: true,
  onData(stream, _session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => {
      // The header block is in the first few kilobytes; the rest is not kept.
      if (chunks.length < 2) chunks.push(chunk);
    });
    stream.on('end', () => {
      const id = MESSAGE_ID.exec(
        Buffer.concat(chunks)
          .toString('latin1')
          .replace(/\r\n[ \t]+/g, ' '),
      )?.[1];
      if (id && seen.has(id)) duplicates += 1;
      if (id) seen.add(id);
      count += 1;
      callback();
    });
  },
});
server.on('error', () => undefined);
server.listen(0, '127.0.0.1', () => {
  const address = server.server.address();
  process.send?.({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('message', (message: { type: string }) => {
  if (message.type === 'stats') process.send?.({ type: 'stats', count, duplicates });
  if (message.type === 'reset') {
    seen.clear();
    count = 0;
    duplicates = 0;
    process.send?.({ type: 'stats', count, duplicates });
  }
});
process.on('disconnect', () => server.close(() => process.exit(0)));
