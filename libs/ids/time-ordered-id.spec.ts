import { timeOrderedId } from './time-ordered-id';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The 48-bit millisecond timestamp an id carries. */
function timestampOf(id: string): number {
  return parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}

describe('timeOrderedId', () => {
  it('is a version 7, RFC 9562 variant UUID carrying the time it was made', () => {
    const before = Date.now();
    const id = timeOrderedId();
    const after = Date.now();
    expect(id).toMatch(UUID_V7);
    expect(timestampOf(id)).toBeGreaterThanOrEqual(before);
    expect(timestampOf(id)).toBeLessThanOrEqual(after + 1);
  });

  it('encodes timestamps beyond 32 bits exactly', () => {
    const id = timeOrderedId(Date.UTC(2200, 0, 1));
    expect(timestampOf(id)).toBe(Date.UTC(2200, 0, 1));
  });

  it('sorts in the order ids were made, many within one millisecond, all distinct', () => {
    const ids = Array.from({ length: 20_000 }, () => timeOrderedId());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('never goes backwards when the clock does', () => {
    const later = timeOrderedId(Date.now() + 60_000);
    const afterClockStep = timeOrderedId(Date.now());
    expect(afterClockStep > later).toBe(true);
  });

  it('keeps order past 4,096 ids in the same millisecond by moving to the next', () => {
    const now = Date.now() + 120_000;
    const ids = Array.from({ length: 5_000 }, () => timeOrderedId(now));
    expect([...ids].sort()).toEqual(ids);
    expect(timestampOf(ids[ids.length - 1])).toBeGreaterThan(now);
  });
});
