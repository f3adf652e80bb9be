import { FixedWindowCounter } from './fixed-window-counter';

describe('FixedWindowCounter', () => {
  const counter = () => new FixedWindowCounter(() => 60_000);

  it('lets max hits through per key, then names the wait until the window ends', () => {
    const limits = counter();
    for (let i = 0; i < 3; i += 1) {
      expect(limits.retryAfterSeconds('a', 3, 1_000)).toBe(0);
      limits.hit('a', 1_000);
    }
    expect(limits.retryAfterSeconds('a', 3, 1_000)).toBe(60);
    expect(limits.retryAfterSeconds('a', 3, 60_500)).toBe(1);
    expect(limits.retryAfterSeconds('b', 3, 1_000)).toBe(0);
  });

  it('starts a fresh window once the old one is over, and forgets a reset key', () => {
    const limits = counter();
    limits.hit('a', 0);
    expect(limits.retryAfterSeconds('a', 1, 59_999)).toBe(1);
    expect(limits.retryAfterSeconds('a', 1, 60_000)).toBe(0);
    limits.hit('a', 60_000);
    limits.reset('a');
    expect(limits.retryAfterSeconds('a', 1, 60_001)).toBe(0);
  });
});
