/**
 * The load generator of `npm run bench:api`, in a process of its own so it does not share the server's
 * event loop. Reads BENCH_URL, BENCH_TOKEN, BENCH_PATHS (JSON: [{name, path}]), BENCH_SECONDS and
 * BENCH_CONNECTIONS; prints one line `RESULT {json}` with requests/s and latency per path.
 */

interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
// autocannon ships no types; this is the part of its API used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

async function main(): Promise<void> {
  const url = process.env.BENCH_URL ?? '';
  const paths = JSON.parse(process.env.BENCH_PATHS ?? '[]') as { name: string; path: string }[];
  const duration = Number(process.env.BENCH_SECONDS ?? 10);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
  const headers = { authorization: `Bearer ${process.env.BENCH_TOKEN ?? ''}` };
  const results = [];
  for (const { name, path } of paths) {
    // A short warm-up, then the measured run.
    await autocannon({ url: `${url}${path}`, connections, duration: 2, headers });
    const result = await autocannon({ url: `${url}${path}`, connections, duration, headers });
    results.push({
      name,
      path,
      requestsPerSecond: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      average: result.latency.average,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
    });
  }
  process.stdout.write(`RESULT ${JSON.stringify(results)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
