import { isoFromTimestampText } from './timestamp-text';

describe('isoFromTimestampText', () => {
  it.each([
    ['2026-12-04 13:45:39.123', '2026-12-04T13:45:39.123Z'],
    ['2026-12-04 13:45:39', '2026-12-04T13:45:39.000Z'],
    ['2026-12-04 13:45:39.5', '2026-12-04T13:45:39.500Z'],
    ['2026-12-04 13:45:39.123987', '2026-12-04T13:45:39.123Z'],
    ['2026-12-04T13:45:39.123', '2026-12-04T13:45:39.123Z'],
  ])('reads UTC text %s', (text: string, iso: string) => {
    expect(isoFromTimestampText(text, 'utc', false)).toBe(iso);
    expect(isoFromTimestampText(text, 'local', true)).toBe(iso);
  });

  it('reads local time as a Date built from the same wall clock would', () => {
    for (const text of ['2026-01-15 08:30:00.250', '2026-07-15 23:59:59.999', '2026-03-29 02:30:00']) {
      const expected = new Date(text.replace(' ', 'T')).toISOString();
      expect(isoFromTimestampText(text, 'local', false)).toBe(expected);
    }
  });

  it('agrees with a Date across millisecond values, and refuses text that is no time', () => {
    for (let ms = 0; ms < 1000; ms += 7) {
      const date = new Date(Date.UTC(2026, 4, 6, 7, 8, 9, ms));
      const text = date.toISOString().replace('T', ' ').replace('Z', '');
      expect(isoFromTimestampText(text, 'utc', false)).toBe(date.toISOString());
    }
    expect(() => isoFromTimestampText('not a time', 'utc', false)).toThrow(RangeError);
  });
});
