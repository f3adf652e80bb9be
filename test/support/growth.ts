/**
 * Growth checks for code that reads hostile mail: run a function on inputs of size n, 2n, 4n and 8n
 * and compare the times, never an absolute figure, so a slow or busy machine cannot fail the check.
 * Linear work doubles per doubling of the input; quadratic work quadruples. The bound of 3 per
 * doubling (geometric mean over three doublings) leaves room for n log n and for noise.
 */

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const DOUBLINGS = 3;
const MAX_RATIO_PER_DOUBLING = 3;
const REPETITIONS = 3;
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
  /** Geometric mean of the time ratio per doubling of the input. */
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
  const ratioPerDoubling = (times[DOUBLINGS] / times[0]) ** (1 / DOUBLINGS);
  return { times, ratioPerDoubling };
}

/** Fails, showing the measured figures, when doubling the input more than about doubles the work. */
export function expectLinearGrowth<T>(baseSize: number, make: (size: number) => T, run: (input: T) => unknown): void {
  const { times, ratioPerDoubling } = measureGrowth(baseSize, make, run);
  const figures = `${ratioPerDoubling.toFixed(2)} per doubling (${times.map((ms) => ms.toFixed(2)).join(' / ')} ms)`;
  expect({ growth: figures, linear: ratioPerDoubling <= MAX_RATIO_PER_DOUBLING }).toEqual({
    growth: figures,
    linear: true,
  });
}
