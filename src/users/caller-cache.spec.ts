import { CALLER_CACHE_MS, CallerCache } from './caller-cache';
import type { Caller } from './users.repository';

const caller = (id: string, disabled = false): Caller => ({
  id,
  email: `${id}@example.test`,
  name: id,
  role: 'agent',
  organizationId: 'org',
  disabled,
  sessionVersion: 0,
  mustChangePassword: false,
});

describe('CallerCache', () => {
  let now: number;
  let cache: CallerCache;
  let reads: string[];
  const load = (id: string) => {
    reads.push(id);
    return Promise.resolve(caller(id));
  };

  beforeEach(() => {
    now = 1_000_000;
    cache = new CallerCache(() => now);
    reads = [];
  });

  it('reads a caller once within its second, then again', async () => {
    await cache.get('a', load);
    now += CALLER_CACHE_MS - 1;
    await cache.get('a', load);
    expect(reads).toEqual(['a']);
    now += 1;
    await cache.get('a', load);
    expect(reads).toEqual(['a', 'a']);
  });

  it('shares one read between concurrent requests and keeps callers apart', async () => {
    const [first, second, other] = await Promise.all([
      cache.get('a', load),
      cache.get('a', load),
      cache.get('b', load),
    ]);
    expect(first).toBe(second);
    expect(other?.id).toBe('b');
    expect(reads).toEqual(['a', 'b']);
  });

  it('reads again at once after an eviction (a change made here)', async () => {
    await cache.get('a', load);
    cache.evict('a');
    const disabled = await cache.get('a', (id) => Promise.resolve(caller(id, true)));
    expect(disabled?.disabled).toBe(true);
  });

  it('does not keep a failed read', async () => {
    await expect(cache.get('a', () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cache.get('a', load)).toEqual(caller('a'));
  });

  it('drops expired entries instead of growing without bound', async () => {
    for (let i = 0; i < 10_000; i += 1) await cache.get(`user-${i}`, load);
    now += CALLER_CACHE_MS;
    await cache.get('late', load);
    expect(cache.size).toBe(1);
  });
});
