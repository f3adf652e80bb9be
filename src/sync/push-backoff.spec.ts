import { AdmissionGate } from './push-admission-gate';
import { ReconnectBackoff } from './push-backoff';

describe('ReconnectBackoff', () => {
  it('doubles the wait per failure, within its jitter band, up to five minutes', () => {
    const lowest = new ReconnectBackoff(() => 0);
    const highest = new ReconnectBackoff(() => 1);
    const low = Array.from({ length: 12 }, () => lowest.next(0));
    const high = Array.from({ length: 12 }, () => highest.next(0));
    expect(low.slice(0, 4)).toEqual([500, 1_000, 2_000, 4_000]);
    expect(high.slice(0, 4)).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(Math.max(...high)).toBe(300_000);
    expect(low[11]).toBe(150_000);
  });

  it('starts over after a connection that stayed up a minute, not after a short one', () => {
    const backoff = new ReconnectBackoff(() => 1);
    backoff.next(0);
    backoff.next(0);
    backoff.connected(10_000);
    expect(backoff.next(20_000)).toBe(4_000);
    backoff.connected(30_000);
    expect(backoff.next(95_000)).toBe(1_000);
  });
});

describe('AdmissionGate', () => {
  it('spaces logins evenly at the configured rate', async () => {
    const gate = new AdmissionGate(20);
    const started = Date.now();
    const admitted: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        await gate.admit();
        admitted.push(Date.now() - started);
      }),
    );
    admitted.sort((a, b) => a - b);
    // Six logins at 20/s: the last one 250 ms after the first, none earlier than its slot.
    expect(admitted[5]).toBeGreaterThanOrEqual(245);
  });

  it('lets an aborted waiter go without admitting it', async () => {
    const gate = new AdmissionGate(1);
    await gate.admit();
    const abort = new AbortController();
    const waiting = gate.admit(abort.signal);
    abort.abort();
    expect(await waiting).toBe(false);
  });
});
