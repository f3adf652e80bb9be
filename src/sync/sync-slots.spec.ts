import type { AppConfig } from '../config/app-config';
import { type ReleaseSlot, SyncSlots } from './sync-slots';

const slotsOf = (concurrency: number) => new SyncSlots({ sync: { concurrency } } as AppConfig);
const at = (second: number) => new Date(Date.UTC(2026, 11, 7, 12, 0, second));
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('SyncSlots: at most SYNC_CONCURRENCY runs, the rest in order of due time', () => {
  it('grants up to the limit at once and makes the next wait until one is given back', async () => {
    const slots = slotsOf(2);
    const first = await slots.take(at(0), new AbortController().signal);
    const second = await slots.take(at(0), new AbortController().signal);
    let third: ReleaseSlot | null = null;
    void slots.take(at(0), new AbortController().signal).then((slot) => (third = slot));
    await flush();
    expect([first, second].every((slot) => typeof slot === 'function')).toBe(true);
    expect(third).toBeNull();
    expect(slots.queued).toBe(1);
    first!();
    first!(); // a second release of the same slot frees nothing more
    await flush();
    expect(third).not.toBeNull();
    expect(slots.queued).toBe(0);
  });

  it('hands freed slots to the waiter due earliest, ties in order of arrival', async () => {
    const slots = slotsOf(1);
    const running = await slots.take(at(0), new AbortController().signal);
    const order: string[] = [];
    const wait = (name: string, due: Date) =>
      slots.take(due, new AbortController().signal).then((release) => {
        order.push(name);
        return release;
      });
    const late = wait('due at 30 s', at(30));
    const early = wait('due at 10 s, first', at(10));
    const tie = wait('due at 10 s, second', at(10));
    const earliest = wait('due at 5 s', at(5));
    running!();
    for (const next of [earliest, early, tie, late]) (await next)!();
    expect(order).toEqual(['due at 5 s', 'due at 10 s, first', 'due at 10 s, second', 'due at 30 s']);
  });

  it('a wait that is aborted (a stop, a shutdown) leaves the line with no slot', async () => {
    const slots = slotsOf(1);
    const running = await slots.take(at(0), new AbortController().signal);
    const stop = new AbortController();
    const stopped = slots.take(at(1), stop.signal);
    const next = slots.take(at(2), new AbortController().signal);
    stop.abort();
    expect(await stopped).toBeNull();
    expect(slots.queued).toBe(1);
    running!();
    expect(typeof (await next)).toBe('function');
  });
});
