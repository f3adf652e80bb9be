/**
 * Growth checks for code that reads hostile mail: run a function on inputs of size n, 2n, 4n and 8n
 * and compare the times, never an absolute figure, so a slow or busy machine cannot fail the check.
 * Linear work doubles per doubling of the input; quadratic work quadruples. The bound of 3 per
 * doubling (fitted over three doublings) leaves room for n log n and for noise.
 */

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const DOUBLINGS = 3;
const MAX_RATIO_PER_DOUBLING = 3;
const REPETITIONS = 3;
const ATTEMPTS = 3;
/** Below this, timer resolution and call overhead would dominate the smallest size. */
const MIN_SAMPLE_MS = 3;

/**
 * A full collection before each sample, so every sample starts from an empty young generation: else
 * whether a sample happens to include the collection of the previous one's garbage decides its time.
 */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/**
 * CPU time of this process, not wall time: on a shared machine the wall clock also counts the time
 * other processes held the CPU, which has nothing to do with the work measured.
 */
function timeOnce(run: () => unknown, calls: number): number {
  collectGarbage();
  const start = process.cpuUsage();
  for (let call = 0; call < calls; call++) {
    run();
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

export interface GrowthResult {
  /** Milliseconds at n, 2n, 4n, 8n (each for the same number of calls). */
  times: number[];
  /** Time ratio per doubling of the input (fitted over all sizes). */
  ratioPerDoubling: number;
}

/** Measures `run(make(size))` on doubling sizes starting at `baseSize`. */
export function measureGrowth<T>(
  baseSize: number,
  make: (size: number) => T,
  run: (input: T) => unknown,
): GrowthResult {
  const inputs = Array.from({ length: DOUBLINGS + 1 }, (_, step) => make(baseSize * 2 ** step));
  // Warm up every size (JIT and regexp compilation, flattening of concatenated strings), then pick
  // a call count that makes the smallest size measurable.
  for (const input of inputs) {
    timeOnce(() => run(input), 1);
  }
  let calls = 1;
  while (calls < 1024 && timeOnce(() => run(inputs[0]), calls) < MIN_SAMPLE_MS) {
    calls *= 2;
  }
  // Fastest of a few runs: noise (other processes, garbage collection) only ever adds time, so the
  // minimum is the steadiest estimate of the work. Sizes take turns, so a busy spell of the machine
  // slows all of them alike.
  const times = inputs.map(() => Infinity);
  for (let repetition = 0; repetition < REPETITIONS; repetition++) {
    inputs.forEach((input, index) => {
      times[index] = Math.min(
        times[index],
        timeOnce(() => run(input), calls),
      );
    });
  }
  // Least-squares slope of log2(time) over the doublings: one disturbed size moves it less than a
  // ratio of the two end points would.
  const logs = times.map((ms) => Math.log2(Math.max(ms, 1e-3)));
  const meanStep = DOUBLINGS / 2;
  const meanLog = logs.reduce((sum, log) => sum + log, 0) / logs.length;
  const covariance = logs.reduce((sum, log, step) => sum + (step - meanStep) * (log - meanLog), 0);
  const variance = logs.reduce((sum, _, step) => sum + (step - meanStep) ** 2, 0);
  return { times, ratioPerDoubling: 2 ** (covariance / variance) };
}

/**
 * Fails, showing the measured figures, when doubling the input more than about doubles the work.
 * A measurement over the bound is taken again (up to three times in all): a busy machine can
 * disturb one, but work that really grows faster exceeds the bound every time.
 */
export function expectLinearGrowth<T>(baseSize: number, make: (size: number) => T, run: (input: T) => unknown): void {
  let result = measureGrowth(baseSize, make, run);
  for (let attempt = 1; attempt < ATTEMPTS && result.ratioPerDoubling > MAX_RATIO_PER_DOUBLING; attempt++) {
    result = measureGrowth(baseSize, make, run);
  }
  const { times, ratioPerDoubling } = result;
  const figures = `${ratioPerDoubling.toFixed(2)} per doubling (${times.map((ms) => ms.toFixed(2)).join(' / ')} ms)`;
  expect({ growth: figures, linear: ratioPerDoubling <= MAX_RATIO_PER_DOUBLING }).toEqual({
    growth: figures,
    linear: true,
  });
}
