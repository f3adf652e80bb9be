/**
 * TEST-ONLY content worker hook, loaded through SYNC_TEST_WORKER_HOOK (which the config refuses outside
 * NODE_ENV=test). A message carrying `X-Test-Spin: <path>` makes the worker spin for ever while that file
 * exists: a deterministic stand-in for hostile mail that takes too long to process (the genuinely slow
 * inputs of issue #25 are being made linear, so they cannot serve as a test). Before it spins it writes
 * `<path>.started`, so a test knows the worker is busy. Delete the file and the message processes normally.
 */
import { existsSync, writeFileSync } from 'node:fs';

export const SPIN_HEADER = 'X-Test-Spin';

export function beforeProcessing(raw: Buffer): void {
  const header = raw.subarray(0, 64 * 1024).toString('latin1');
  const at = header.indexOf(`\r\n${SPIN_HEADER}: `);
  if (at < 0) return;
  const start = at + SPIN_HEADER.length + 4;
  const path = header.slice(start, header.indexOf('\r\n', start));
  if (!existsSync(path)) return;
  writeFileSync(`${path}.started`, '');
  for (;;) {
    // Spins until the pool terminates this worker on the message's deadline.
  }
}
