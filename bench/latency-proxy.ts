import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface LatencyProxy {
  port: number;
  close(): void;
}

/** Starts bench/latency-proxy-server.js in front of a loopback port, `delayMs` each way. */
export function startLatencyProxy(targetPort: number, delayMs: number): Promise<LatencyProxy> {
  const child = spawn(
    process.execPath,
    [join(__dirname, 'latency-proxy-server.js'), String(targetPort), String(delayMs)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /PORT (\d+)/.exec(output);
      if (match) resolve({ port: Number(match[1]), close: () => child.kill() });
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the latency proxy exited with ${code}`)));
  });
}
