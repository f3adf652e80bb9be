import { GrowingDelayCounter } from './growing-delay-counter';

describe('GrowingDelayCounter', () => {
  // A 64 s window: delays start at 1 s and double, up to 64 s.
  const counter = () => new GrowingDelayCounter(() => 64_000);

  it('lets the allowance through, then doubles the wait after each further failure up to the window', () => {
    const delays = counter();
    for (let i = 0; i < 3; i += 1) {
      expect(delays.waitMs('a', 3, 0)).toBe(0);
      delays.record('a', 0);
    }
    expect(delays.waitMs('a', 3, 0)).toBe(1_000);
    expect(delays.waitMs('a', 3, 1_000)).toBe(0);
    delays.record('a', 1_000);
    expect(delays.waitMs('a', 3, 1_000)).toBe(2_000);
    let now = 1_000;
    for (let i = 0; i < 10; i += 1) {
      now += delays.waitMs('a', 3, now);
      delays.record('a', now);
    }
    expect(delays.waitMs('a', 3, now)).toBe(64_000);
    expect(delays.waitMs('b', 3, now)).toBe(0);
  });

  it('forgets a key after two quiet windows, and refund or reset take attempts back', () => {
    const delays = counter();
    for (let i = 0; i < 4; i += 1) delays.record('a', 0);
    expect(delays.waitMs('a', 3, 0)).toBe(2_000);
    // One quiet window later the count is still there: the next failure waits longer still.
    delays.record('a', 64_000);
    expect(delays.waitMs('a', 3, 64_000)).toBe(4_000);
    // Two quiet windows later it is gone: the allowance is whole again.
    for (let i = 0; i < 3; i += 1) delays.record('a', 64_000 + 128_000);
    expect(delays.waitMs('a', 3, 64_000 + 128_000)).toBe(1_000);

    for (let i = 0; i < 3; i += 1) delays.record('b', 0);
    delays.refund('b');
    expect(delays.waitMs('b', 3, 0)).toBe(0);
    delays.record('b', 0);
    delays.reset('b');
    expect(delays.waitMs('b', 3, 0)).toBe(0);
  });
});
